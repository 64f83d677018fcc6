// Search that works from file:// : the index is a script (search-index.js) that
// sets window.DOSSIER_SEARCH, so no fetch and no server are needed.
// Entries: [kind, title, href, detail, keywords]. Matching: every query word must
// prefix-match a word of the entry (accents and case folded); titles rank first.
(function () {
  "use strict";
  var index = window.DOSSIER_SEARCH || [];
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !results) return;
  var MAX = 50;
  var KINDS = { a: "Article", p: "Person", c: "Claim", o: "Outlet" };

  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(s) {
    return fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  // Precompute folded words once.
  var prepared = index.map(function (e) {
    return { e: e, title: words(e[1]), rest: words(e[3] + " " + (e[4] || "")) };
  });

  function score(p, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], best = 0;
      for (var j = 0; j < p.title.length; j++) {
        if (p.title[j] === t) { best = 3; break; }
        if (best < 2 && p.title[j].lastIndexOf(t, 0) === 0) best = 2;
      }
      if (!best) {
        for (var k = 0; k < p.rest.length; k++) {
          if (p.rest[k].lastIndexOf(t, 0) === 0) { best = 1; break; }
        }
      }
      if (!best) return 0;
      total += best;
    }
    return total;
  }

  function render(query) {
    var terms = words(query);
    results.textContent = "";
    if (!terms.length) { status.textContent = "Type to search."; return; }
    var hits = [];
    for (var i = 0; i < prepared.length; i++) {
      var s = score(prepared[i], terms);
      if (s) hits.push([s, i]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    status.textContent = hits.length === 0 ? "No results." : hits.length + (hits.length === 1 ? " result" : " results") + (hits.length > MAX ? ", showing the first " + MAX : "") + ".";
    var frag = document.createDocumentFragment();
    hits.slice(0, MAX).forEach(function (h) {
      var e = prepared[h[1]].e;
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KINDS[e[0]] || e[0];
      var a = document.createElement("a");
      a.href = e[2];
      a.textContent = e[1];
      li.appendChild(kind);
      li.appendChild(a);
      if (e[3]) { var p = document.createElement("p"); p.textContent = e[3]; li.appendChild(p); }
      frag.appendChild(li);
    });
    results.appendChild(frag);
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      render(input.value);
      var url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      try { history.replaceState(null, "", url); } catch (e) { /* file:// may refuse */ }
    }, 60);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; render(initial); }
  input.focus();
})();
