// How fast is search.html with a big index? Generates a synthetic
// search-index.js (10,000 articles, 2,000 people, 20,000 claims, 300 outlets,
// the shape src/render/data.rs writes) into a copy of a built site, opens
// search.html from file:// in Debian's chromium and measures, for a few
// queries, the time from the input event to the results in the page.
//
//   (cd tests/browser && npm ci)
//   cargo run -- --root tests/fixtures/basic build -o /tmp/site
//   node bench/search_speed.mjs /tmp/site [articles people claims]
//
// Not a test: it prints figures. The budget is 100 ms per keystroke.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { launch } from "../tests/browser/chromium.mjs";

const [siteArg, nA = "10000", nP = "2000", nC = "20000"] = process.argv.slice(2);
if (!siteArg || !fs.existsSync(path.join(siteArg, "search.html"))) {
  console.error("usage: node bench/search_speed.mjs <built site folder> [articles people claims]");
  process.exit(2);
}
const N = { articles: +nA, people: +nP, claims: +nC, outlets: 300 };

// Deterministic pseudo-random words, a few with accents, Zipf-ish frequencies.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const SYL = ["ba", "ko", "ri", "ta", "mun", "sel", "dor", "vi", "ne", "ga", "lu", "pe", "zar", "hi", "mo", "qa", "ré", "sha", "fu", "el"];
const word = () => { let w = ""; const n = 2 + Math.floor(rand() * 3); for (let i = 0; i < n; i++) w += SYL[Math.floor(rand() * SYL.length)]; return w; };
const VOCAB = Array.from({ length: 6000 }, word);
const pick = () => VOCAB[Math.floor(Math.pow(rand(), 2) * VOCAB.length)];
const words = (n) => Array.from({ length: n }, pick).join(" ");
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const names = Array.from({ length: N.people }, () => `${cap(word())} ${cap(word())}`);
names[7] = "Steve Witkoff";
const outlets = Array.from({ length: N.outlets }, () => `${cap(word())} News`);

const entries = [];
for (let i = 0; i < N.articles; i++) {
  const people = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => names[Math.floor(rand() * names.length)]);
  entries.push(["a", cap(words(6 + Math.floor(rand() * 8))), `articles/article-${i}.html`,
    `${outlets[i % outlets.length]} · 2025-0${1 + (i % 9)}-1${i % 10}`, [...new Set(people)].sort().join(" ")]);
}
names.forEach((n, i) => entries.push(["p", n, `people/person-${i}.html`, cap(words(12)) + ".", `${n.split(" ")[1]} ${cap(word())}`]));
for (let i = 0; i < N.claims; i++) entries.push(["c", cap(words(5 + Math.floor(rand() * 8))), `claims/claim-${i}.html`, ["statement", "quantity", "date", "sum"][i % 4], `claim-${i}`]);
outlets.forEach((o, i) => entries.push(["o", o, `outlets/outlet-${i}.html`, "33 articles", ""]));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dossier-search-bench-"));
fs.cpSync(siteArg, dir, { recursive: true });
const index = "window.DOSSIER_SEARCH=" + JSON.stringify(entries) + ";\n";
fs.writeFileSync(path.join(dir, "search-index.js"), index);
const common = VOCAB[0], rare = VOCAB[VOCAB.length - 1];
const QUERIES = [
  ["a person", "steve witkoff"],
  ["one letter", "b"],
  ["common word", common],
  ["common prefix", common.slice(0, 3)],
  ["rare word", rare],
  ["two words", `${common} ${VOCAB[1]}`],
  ["accent folded", "re"],
  ["nothing", "xqzzyv"],
];

const browser = await launch();
try {
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(pathToFileURL(path.join(dir, "search.html")).href, { waitUntil: "load" });
  const loadMs = Date.now() - t0;
  const nav = await page.evaluate(() => { const e = performance.getEntriesByType("navigation")[0]; return { dcl: e.domContentLoadedEventEnd, load: e.loadEventEnd }; });
  await page.evaluate(() => {
    window.__lat = [];
    let start = 0;
    document.addEventListener("input", () => { start = performance.now(); }, true);
    new MutationObserver(() => { if (start) { window.__lat.push(performance.now() - start); start = 0; } })
      .observe(document.getElementById("search-status"), { childList: true, characterData: true, subtree: true });
  });
  console.log(`index: ${entries.length} entries (${N.articles} articles, ${N.people} people, ${N.claims} claims, ${N.outlets} outlets), ` +
    `search-index.js ${(index.length / 1e6).toFixed(1)} MB`);
  console.log(`page load from file:// ${loadMs} ms (DOMContentLoaded ${nav.dcl.toFixed(0)} ms, load ${nav.load.toFixed(0)} ms)`);
  let worst = 0;
  for (const [label, q] of QUERIES) {
    const times = [];
    let status = "";
    for (let run = 0; run < 7; run++) {
      await page.fill("#q", q);
      await page.waitForFunction(() => window.__lat.length > 0);
      times.push(await page.evaluate(() => window.__lat[0]));
      await page.evaluate(() => { window.__lat = []; });
      status = (await page.textContent("#search-status")).trim();
      await page.fill("#q", "");
      await page.waitForFunction(() => window.__lat.length > 0);
      await page.evaluate(() => { window.__lat = []; });
    }
    times.sort((a, b) => a - b);
    worst = Math.max(worst, times[times.length - 1]);
    console.log(`${label.padEnd(14)} ${JSON.stringify(q).padEnd(18)} median ${times[3].toFixed(1).padStart(6)} ms  max ${times[6].toFixed(1).padStart(6)} ms  ${status}`);
  }
  console.log(`worst keystroke: ${worst.toFixed(1)} ms (budget 100 ms)`);
  process.exitCode = worst < 100 ? 0 : 1;
} finally {
  await browser.close();
  if (process.env.KEEP) console.log(dir); else fs.rmSync(dir, { recursive: true, force: true });
}
