// Search that works from file:// : the index is a script (search-index.js) that
// sets window.DOSSIER_SEARCH, so no fetch and no server are needed.
// Entries: [kind, title, href, detail, keywords]. Matching: every query word must
// prefix-match a word of the entry (accents and case folded); titles rank first.
// Fast enough to search on every keystroke at 30,000 entries: each entry's words
// are folded once, into " word word " strings, so "a word starts with the term"
// is one native indexOf(" " + term), and the best MAX hits are kept per score
// instead of sorting every hit.
(function () {
  "use strict";
  var index = window.DOSSIER_SEARCH || [];
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !results) return;
  var MAX = 50;
  var KINDS = { a: "Article", p: "Person", c: "Claim", o: "Outlet" };
  var NON_WORD = /[^\p{L}\p{N}]+/gu;

  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(s) {
    return fold(s).split(NON_WORD).filter(Boolean);
  }
  function spaced(s) {
    return " " + fold(s).replace(NON_WORD, " ").trim() + " ";
  }
  // Precompute folded words once.
  var titles = new Array(index.length);
  var rests = new Array(index.length);
  for (var n = 0; n < index.length; n++) {
    titles[n] = spaced(index[n][1] || "");
    rests[n] = spaced((index[n][3] || "") + " " + (index[n][4] || ""));
  }

  // 3 per term that is a whole word of the title, 2 per term that starts one,
  // 1 per term that starts a word of the detail or keywords; 0 if a term is missing.
  function score(i, starts, whole) {
    var title = titles[i], rest = rests[i], total = 0;
    for (var k = 0; k < starts.length; k++) {
      if (title.indexOf(starts[k]) >= 0) total += title.indexOf(whole[k]) >= 0 ? 3 : 2;
      else if (rest.indexOf(starts[k]) >= 0) total += 1;
      else return 0;
    }
    return total;
  }

  function render(query) {
    var terms = words(query);
    results.textContent = "";
    if (!terms.length) { status.textContent = "Type to search."; return; }
    var starts = terms.map(function (t) { return " " + t; });
    var whole = terms.map(function (t) { return " " + t + " "; });
    // Best first, then index order: the first MAX hits of each score suffice.
    var buckets = [];
    for (var s = 0; s <= 3 * terms.length; s++) buckets.push([]);
    var count = 0;
    for (var i = 0; i < titles.length; i++) {
      var sc = score(i, starts, whole);
      if (sc) {
        count++;
        if (buckets[sc].length < MAX) buckets[sc].push(i);
      }
    }
    var shown = [];
    for (var b = buckets.length - 1; b > 0 && shown.length < MAX; b--) {
      shown = shown.concat(buckets[b].slice(0, MAX - shown.length));
    }
    status.textContent = count === 0 ? "No results." : count + (count === 1 ? " result" : " results") + (count > MAX ? ", showing the first " + MAX : "") + ".";
    var frag = document.createDocumentFragment();
    shown.forEach(function (ix) {
      var e = index[ix];
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

  // Keep the query in the address (?q=), so a reload or the back button from a
  // result shows the same results. Not on every keystroke: browsers throttle
  // history updates.
  var timer = null;
  function rememberQuery() {
    clearTimeout(timer);
    timer = null;
    var url = new URL(window.location.href);
    if (input.value) url.searchParams.set("q", input.value);
    else url.searchParams.delete("q");
    try { history.replaceState(null, "", url); } catch (e) { /* file:// may refuse */ }
  }
  input.addEventListener("input", function () {
    render(input.value);
    clearTimeout(timer);
    timer = setTimeout(rememberQuery, 300);
  });
  results.addEventListener("click", function () { if (timer) rememberQuery(); });
  // Enter searches in place; without JavaScript the form reloads the page
  // with ?q= (no inline handler, so a strict Content-Security-Policy works).
  if (input.form) {
    input.form.addEventListener("submit", function (e) { e.preventDefault(); render(input.value); });
  }
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; render(initial); }
  input.focus();
})();
