// dossier: progressive enhancements. Every page reads fully without this file.
// - Hover/focus previews of links to annotations, flags and people.
// - Keyboard navigation between passages: "j"/"k" next/previous highlighted passage.
(function () {
  "use strict";
  var preview = null;

  function hidePreview() {
    if (preview) { preview.remove(); preview = null; }
  }

  function showPreview(link, html) {
    hidePreview();
    preview = document.createElement("div");
    preview.className = "preview";
    preview.setAttribute("role", "tooltip");
    preview.innerHTML = html;
    document.body.appendChild(preview);
    var r = link.getBoundingClientRect();
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - preview.offsetWidth - 8);
    preview.style.left = Math.max(8, left) + "px";
    preview.style.top = (window.scrollY + r.bottom + 6) + "px";
  }

  // Links to an element of this page (#ann-3, #flag-...) preview that element.
  function previewFor(link) {
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) !== "#") return null;
    var target = document.getElementById(decodeURIComponent(href.slice(1)));
    if (!target || target.tagName === "MARK") return null;
    var clone = target.cloneNode(true);
    clone.querySelectorAll("a.back, a.original").forEach(function (a) { a.remove(); });
    clone.removeAttribute("id");
    return clone.innerHTML;
  }

  document.addEventListener("mouseover", function (e) {
    var link = e.target.closest && e.target.closest("sup.refs a, a.person");
    if (!link) return;
    var html = link.classList.contains("person") ? (link.getAttribute("title") ? "<strong>" + escapeHtml(link.textContent) + "</strong><br>" + escapeHtml(link.getAttribute("title")) : null) : previewFor(link);
    if (html) showPreview(link, html);
  });
  document.addEventListener("mouseout", function (e) {
    if (e.target.closest && e.target.closest("sup.refs a, a.person")) hidePreview();
  });
  document.addEventListener("focusin", function (e) {
    var link = e.target.closest && e.target.closest("sup.refs a");
    if (link) { var html = previewFor(link); if (html) showPreview(link, html); } else hidePreview();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { hidePreview(); return; }
    if (e.target.closest && e.target.closest("input, textarea, select")) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key !== "j" && e.key !== "k") return;
    var marks = Array.prototype.slice.call(document.querySelectorAll(".body mark[id]"));
    if (!marks.length) return;
    // From the focused passage to its neighbour; else from where the reader is
    // (by position alone, j stuck on a page too short to scroll to the passage).
    var current = marks.indexOf(document.activeElement);
    var next;
    if (current >= 0) next = marks[current + (e.key === "j" ? 1 : -1)];
    else if (e.key === "j") next = marks.find(function (m) { return m.getBoundingClientRect().top > 81; });
    else next = marks.slice().reverse().find(function (m) { return m.getBoundingClientRect().top < 79; });
    if (!next) return;
    marks.forEach(function (m) { m.classList.remove("is-target"); });
    next.classList.add("is-target");
    next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
    window.scrollTo({ top: next.getBoundingClientRect().top + window.scrollY - 80 });
  });

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
})();
