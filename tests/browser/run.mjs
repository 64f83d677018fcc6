// Browser tests of a built dossier site, in Debian's chromium driven by
// playwright-core. Every page is opened from disk (file://), as a reader who
// downloaded the site would.
//
//   cd tests/browser && npm ci
//   node tests/browser/run.mjs <built site folder>
//
// tests/browser.rs builds the fixture dossier and runs this script.
// DOSSIER_CHROMIUM overrides the browser (default /usr/bin/chromium).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { launch } from "./chromium.mjs";

const siteArg = process.argv[2];
if (!siteArg || !fs.existsSync(path.join(siteArg, "index.html"))) {
  console.error("usage: node run.mjs <built site folder (with index.html)>");
  process.exit(2);
}
const SITE = path.resolve(siteArg);
// Latency budget from input to results on the (small) fixture.
const SEARCH_BUDGET_MS = 100;

// A hung browser must not hang the test run.
setTimeout(() => { console.error("browser tests: timed out after 240 s"); process.exit(1); }, 240_000).unref();

const url = (rel) => {
  const [file, query] = rel.split("?");
  return pathToFileURL(path.join(SITE, file)).href + (query ? "?" + query : "");
};
const pages = fs.readdirSync(SITE, { recursive: true })
  .filter((f) => f.endsWith(".html"))
  .map((f) => f.split(path.sep).join("/"))
  .sort();
const ARTICLE = "articles/alpha.html";
const PERSON = "people/steve-witkoff.html";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => { await browser?.close(); });

// A context that never reaches another host: anything not file:// is aborted
// (the offline test below checks that pages don't even ask).
async function context(options = {}) {
  const ctx = await browser.newContext(options);
  await ctx.route(/^(https?|wss?):/, (route) => route.abort());
  return ctx;
}

// Opens `rel` and collects what goes wrong on the page.
async function open(ctx, rel) {
  const page = await ctx.newPage();
  const problems = [];
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.goto(url(rel), { waitUntil: "load" });
  return { page, problems, requests };
}

// ---------------------------------------------------------------- search

async function installLatencyProbe(page) {
  await page.evaluate(() => {
    window.__latencies = [];
    let start = 0, query = "";
    // Capture on document: runs before the input's own listeners.
    document.addEventListener("input", (e) => { start = performance.now(); query = e.target.value; }, true);
    new MutationObserver(() => {
      if (start) { window.__latencies.push({ query, ms: performance.now() - start }); start = 0; }
    }).observe(document.getElementById("search-status"), { childList: true, characterData: true, subtree: true });
  });
}

async function results(page) {
  return page.$$eval("#results li", (lis) => lis.map((li) => {
    const a = li.querySelector("a");
    return { kind: li.querySelector(".kind")?.textContent, text: a?.textContent, href: a?.href };
  }));
}

// Types `query` (one input event per character, as a reader types) and
// returns the results, the status line and the latency of the last keystroke.
async function search(page, query) {
  const seen = await page.evaluate(() => window.__latencies.length);
  await page.fill("#q", "");
  await page.locator("#q").pressSequentially(query);
  const done = (n) => window.__latencies.slice(n[0]).some((l) => l.query === n[1]);
  await page.waitForFunction(done, [seen, query]);
  const ms = await page.evaluate((q) => window.__latencies.filter((l) => l.query === q).pop().ms, query);
  return { results: await results(page), status: (await page.textContent("#search-status")).trim(), ms };
}

function assertResolves(href) {
  assert.ok(href.startsWith("file://"), `${href} is not a file:// link`);
  const file = fileURLToPath(href.split("#")[0].split("?")[0]);
  assert.ok(fs.existsSync(file) && fs.statSync(file).isFile(), `${href} does not resolve to a file of the site`);
}

function assertCounted(status, n) {
  if (n === 0) assert.match(status, /^No results/, status);
  else assert.match(status, new RegExp(`^${n} results?\\b`), `status "${status}" for ${n} results`);
}

test("search works from file:// and is fast", async () => {
  const ctx = await context();
  const { page, problems } = await open(ctx, "search.html");
  await installLatencyProbe(page);
  assert.equal(await page.getAttribute("#q", "type"), "search");
  assert.equal((await page.textContent("#search-status")).trim(), "Type to search.");

  const cases = [
    // [query, kind, link text, page]
    ["steve witkoff", "Person", "Steve Witkoff", "people/steve-witkoff.html"],
    ["WEITEKAMP", "Person", "Steve Witkoff", "people/steve-witkoff.html"], // a variant spelling, other case
    ["khalil al-hayya", "Person", "Khalil al-Hayya", "people/khalil-al-hayya.html"],
    ["Advanced", "Article", "Beta: advanced negotiations", "articles/beta.html"],
    ["negotiators", "Article", "Alpha: envoy meets negotiators", "articles/alpha.html"],
    ["PREMIERE", "Claim", "Hamas confirmed direct talks, a première", "claims/talks-confirmed.html"], // no accent, other case
    ["hamas confirm", "Claim", "Hamas confirmed direct talks, a première", "claims/talks-confirmed.html"],
    ["المحادثات", "Article", "حماس تؤكد المحادثات", "articles/arabic.html"],
    ["albawaba", "Outlet", "Albawaba", "outlets/albawaba.html"],
  ];
  const timings = [];
  for (const [query, kind, text, href] of cases) {
    const r = await search(page, query);
    timings.push(r.ms);
    const hit = r.results.find((x) => x.text === text);
    assert.ok(hit, `"${query}": no result "${text}" in ${JSON.stringify(r.results)}`);
    assert.equal(hit.kind, kind, `"${query}": kind of "${text}"`);
    assert.equal(hit.href, url(href), `"${query}": link of "${text}"`);
    assertResolves(hit.href);
    assert.equal(r.results[0].text, text, `"${query}": "${text}" should rank first`);
    assertCounted(r.status, r.results.length);
    assert.ok(r.ms < SEARCH_BUDGET_MS, `"${query}": results after ${r.ms.toFixed(1)} ms (budget ${SEARCH_BUDGET_MS} ms)`);
  }
  // Every word must match: a name and an unrelated title word find nothing.
  const none = await search(page, "xqzzyv");
  assert.deepEqual(none.results, []);
  assertCounted(none.status, 0);
  const both = await search(page, "witkoff zzzz");
  assert.deepEqual(both.results, []);
  // The query is remembered in the address, for reload and the back button.
  await page.waitForFunction(() => new URLSearchParams(location.search).get("q") === "witkoff zzzz");
  // Emptying the field resets.
  await page.fill("#q", "");
  await page.waitForFunction(() => document.getElementById("search-status").textContent.trim() === "Type to search.");
  assert.equal((await results(page)).length, 0);

  // Every result of a broad query links to a page of the site.
  const all = await search(page, "a");
  assert.ok(all.results.length >= 5, JSON.stringify(all.results));
  all.results.forEach((x) => assertResolves(x.href));
  assertCounted(all.status, all.results.length);
  console.log(`# search latency on the fixture, input to results: max ${Math.max(...timings).toFixed(1)} ms, ` +
    `median ${timings.sort((a, b) => a - b)[timings.length >> 1].toFixed(1)} ms`);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test("search.html?q= pre-fills and runs the search", async () => {
  const ctx = await context();
  const { page, problems } = await open(ctx, "search.html?q=Witkoff");
  assert.equal(await page.inputValue("#q"), "Witkoff");
  const r = await results(page);
  assert.ok(r.some((x) => x.kind === "Person" && x.text === "Steve Witkoff"), JSON.stringify(r));
  assertCounted((await page.textContent("#search-status")).trim(), r.length);
  // Accents and case in the URL too.
  await page.goto(url("search.html?q=" + encodeURIComponent("PREMIÈRE")));
  const r2 = await results(page);
  assert.equal(r2[0]?.text, "Hamas confirmed direct talks, a première");
  assert.deepEqual(problems, []);
  await ctx.close();
});

// ---------------------------------------------------------------- offline

test("pages load nothing from another host and log no errors", async () => {
  const ctx = await context();
  for (const rel of ["index.html", ARTICLE, PERSON, "search.html?q=witkoff", "claims/war-duration.html", "articles/arabic.html"]) {
    const { page, problems, requests } = await open(ctx, rel);
    // Exercise the scripts: previews and keys.
    if (await page.$("sup.refs a")) await page.hover("sup.refs a");
    await page.keyboard.press("j");
    await page.waitForTimeout(100);
    const foreign = requests.filter((u) => !u.startsWith("file://"));
    assert.deepEqual(foreign, [], `${rel} asks other hosts`);
    assert.ok(requests.some((u) => u.endsWith("/static/style.css")), `${rel}: style.css not loaded`);
    assert.ok(requests.some((u) => u.endsWith("/static/dossier.js")), `${rel}: dossier.js not loaded`);
    if (rel.startsWith("search")) {
      assert.ok(requests.some((u) => u.endsWith("/search-index.js")), "search-index.js not loaded");
      assert.ok(requests.some((u) => u.endsWith("/static/search.js")), "search.js not loaded");
    }
    assert.deepEqual(problems, [], rel);
    await page.close();
  }
  await ctx.close();
});

// ---------------------------------------------------------------- previews

test("hover and focus previews of markers", async () => {
  const ctx = await context();
  const { page, problems } = await open(ctx, ARTICLE);
  const markers = await page.$$eval("sup.refs a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(markers.length >= 2, `markers: ${markers}`);
  for (const href of markers) {
    const expected = await page.$eval(href, (li) => {
      const c = li.cloneNode(true);
      c.querySelectorAll("a.back, a.original").forEach((a) => a.remove());
      return c.textContent.replace(/\s+/g, " ").trim();
    });
    await page.hover(`sup.refs a[href="${href}"]`);
    const preview = page.locator(".preview");
    await preview.waitFor({ state: "visible", timeout: 2000 });
    const text = (await preview.textContent()).replace(/\s+/g, " ").trim();
    assert.equal(text, expected, `preview of ${href}`);
    assert.equal(await page.locator(".preview").count(), 1, "one preview at a time");
    await page.keyboard.press("Escape");
    assert.equal(await page.locator(".preview").count(), 0, "Escape hides the preview");
    await page.mouse.move(0, 0);
  }
  // The preview stays inside the viewport.
  await page.hover("sup.refs a");
  const box = await page.locator(".preview").boundingBox();
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  assert.ok(box.x >= 0 && box.x + box.width <= width, `preview ${JSON.stringify(box)} outside 0..${width}`);
  await page.mouse.move(0, 0);
  assert.equal(await page.locator(".preview").count(), 0, "leaving the marker hides the preview");

  // Keyboard: Tab to the first marker shows its preview.
  const first = markers[0];
  let onMarker = false;
  for (let i = 0; i < 80 && !onMarker; i++) {
    await page.keyboard.press("Tab");
    onMarker = await page.evaluate(() => !!document.activeElement?.matches("sup.refs a"));
  }
  assert.ok(onMarker, "Tab never reaches a marker");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), first);
  await page.locator(".preview").waitFor({ state: "visible", timeout: 2000 });
  const annotation = await page.$eval(first, (li) => li.querySelector(".label").textContent);
  assert.ok((await page.textContent(".preview")).includes(annotation));
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".preview").count(), 0, "Escape hides the focus preview");
  // Tab on to the next marker moves the preview with the focus.
  await page.keyboard.press("Tab");
  if (await page.evaluate(() => !!document.activeElement?.matches("sup.refs a"))) {
    assert.equal(await page.locator(".preview").count(), 1);
  }
  assert.deepEqual(problems, []);
  await ctx.close();
});

// ---------------------------------------------------------------- keys

test("j / k move between highlighted passages", async () => {
  // A short window (the page scrolls) and a tall one (it doesn't).
  for (const viewport of [{ width: 1280, height: 500 }, { width: 1280, height: 3000 }, { width: 390, height: 844 }]) {
  const ctx = await context({ viewport });
  for (const rel of [ARTICLE, "articles/beta.html", "articles/arabic.html"]) {
    const { page, problems } = await open(ctx, rel);
    const ids = await page.$$eval(".body mark[id]", (ms) => ms.map((m) => m.id));
    assert.ok(ids.length >= 1, `${rel}: no passages`);
    const active = () => page.evaluate(() => document.activeElement?.matches(".body mark[id]") ? document.activeElement.id : null);
    const at = `${rel} at ${viewport.width}x${viewport.height}`;
    for (let i = 0; i < ids.length; i++) {
      await page.keyboard.press("j");
      assert.equal(await active(), ids[i], `${at}: j #${i + 1}`);
    }
    await page.keyboard.press("j"); // past the last: stays
    assert.equal(await active(), ids[ids.length - 1], `${at}: j past the last passage`);
    for (let i = ids.length - 2; i >= 0; i--) {
      await page.keyboard.press("k");
      assert.equal(await active(), ids[i], `${at}: k back to #${i + 1}`);
    }
    // The focused passage is on screen.
    const inView = await page.evaluate(() => {
      const r = document.activeElement.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    assert.ok(inView, `${at}: focused passage is off screen`);
    assert.deepEqual(problems, []);
    await page.close();
  }
  await ctx.close();
  }
  const ctx = await context();
  // Typing j in the search field types, it doesn't navigate.
  const { page } = await open(ctx, "search.html");
  await page.locator("#q").pressSequentially("jk");
  assert.equal(await page.inputValue("#q"), "jk");
  await ctx.close();
});

// ---------------------------------------------------------------- no JS

test("pages read fully without JavaScript", async () => {
  const ctx = await context({ javaScriptEnabled: false });
  const { page, problems } = await open(ctx, ARTICLE);
  assert.ok((await page.locator(".body").innerText()).includes("met Hamas negotiator"), "body text");
  assert.ok(await page.locator(".body").isVisible());
  const markers = await page.$$eval("sup.refs a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(markers.length >= 2, "markers are shown");
  assert.ok(await page.locator("sup.refs a").first().isVisible());
  assert.ok(await page.locator(".annotation-list li").count() >= markers.length, "annotation list");
  assert.ok(await page.locator(".annotation-list").isVisible());
  for (const href of markers) {
    await page.click(`sup.refs a[href="${href}"]`);
    assert.equal(new URL(page.url()).hash, href);
    const target = page.locator(`li${href}`);
    assert.equal(await target.count(), 1, `${href} lands on an annotation`);
    const box = await target.boundingBox();
    const vh = page.viewportSize().height;
    assert.ok(box && box.y < vh && box.y + box.height > 0, `${href}: the annotation is scrolled into view`);
  }
  // Search says it needs JavaScript, and where to go instead.
  const s = await open(ctx, "search.html");
  assert.ok((await s.page.locator("main").innerText()).includes("Search needs JavaScript"));
  assert.deepEqual([...problems, ...s.problems], []);
  await ctx.close();
});

// ---------------------------------------------------------------- media

test("dark mode, print and a phone", async () => {
  const ctx = await context();
  const { page } = await open(ctx, ARTICLE);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  const light = await bg();
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await bg();
  assert.notEqual(dark, light, "dark mode changes the background");
  const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
  assert.ok(lum(dark) < 0.3 && lum(light) > 0.7, `light ${light}, dark ${dark}`);
  const fg = await page.evaluate(() => getComputedStyle(document.body).color);
  assert.ok(lum(fg) > 0.7, `dark mode text ${fg} on ${dark}`);

  await page.emulateMedia({ media: "print", colorScheme: "light" });
  assert.equal(await page.locator(".site-header nav").isVisible(), false, "print hides the site nav");
  assert.ok(await page.locator(".body").isVisible(), "print shows the article");
  assert.ok(await page.locator(".annotation-list").isVisible(), "print shows the annotations");
  await ctx.close();

  const phone = await context({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const wide = [];
  const mobile = await phone.newPage();
  for (const rel of pages.filter((p) => p !== "404.html")) {
    await mobile.goto(url(rel));
    const r = await mobile.evaluate(() => {
      const el = document.scrollingElement;
      const cw = el.clientWidth;
      const out = [...document.body.querySelectorAll("*")]
        .filter((e) => { const b = e.getBoundingClientRect(); return b.width && (b.right > cw + 1 || b.left < -1); })
        .slice(0, 3)
        .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${e.textContent.slice(0, 40)}`);
      return { scrollWidth: el.scrollWidth, clientWidth: cw, out };
    });
    if (r.scrollWidth > r.clientWidth) wide.push(`${rel}: ${r.scrollWidth} > ${r.clientWidth} (${r.out.join("; ")})`);
  }
  assert.deepEqual(wide, [], "horizontal scroll on a 390 px phone");
  await phone.close();
});

// ---------------------------------------------------------------- a11y

test("accessibility basics on every page", async () => {
  const ctx = await context({ javaScriptEnabled: false });
  const problems = [];
  const page = await ctx.newPage();
  for (const rel of pages) {
    await page.goto(url(rel));
    const r = await page.evaluate(() => {
      const out = [];
      const h1 = document.querySelectorAll("h1").length;
      if (h1 !== 1) out.push(`${h1} h1 elements`);
      if (!document.documentElement.getAttribute("lang")) out.push("no html[lang]");
      const first = document.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (!first || first.getAttribute("href") !== "#main") out.push("the first focusable element is not a skip link to #main");
      if (!document.getElementById("main")) out.push("no #main");
      if (document.querySelector("main")?.id !== "main") out.push("#main is not the <main>");
      for (const img of document.images) if (!img.hasAttribute("alt")) out.push(`img ${img.src} without alt`);
      for (const el of document.querySelectorAll("input, select, textarea")) {
        if (el.type === "hidden") continue;
        if (!el.labels?.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) out.push(`unlabelled <${el.tagName.toLowerCase()} id=${el.id}>`);
      }
      for (const nav of document.querySelectorAll("nav")) {
        if (!nav.getAttribute("aria-label") && !nav.getAttribute("aria-labelledby")) out.push("nav without aria-label");
      }
      for (const attr of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
        for (const el of document.querySelectorAll(`[${attr}]`)) {
          for (const id of el.getAttribute(attr).split(/\s+/)) if (!document.getElementById(id)) out.push(`${attr}="${id}" points nowhere`);
        }
      }
      const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
      const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (dup.length) out.push(`duplicate ids: ${[...new Set(dup)].join(", ")}`);
      for (const a of document.querySelectorAll("a")) {
        if (!a.textContent.trim() && !a.getAttribute("aria-label")) out.push(`link without text: ${a.getAttribute("href")}`);
      }
      if (!document.title.trim()) out.push("empty <title>");
      for (const p of document.querySelectorAll("p")) {
        if (/^\s*·/.test(p.textContent)) out.push(`line starts with a dangling "·": ${p.textContent.trim().slice(0, 40)}`);
      }
      for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
        if (h.querySelector("p, div, ul, ol, table, blockquote")) out.push(`block element inside <${h.tagName.toLowerCase()}>`);
      }
      return out;
    });
    problems.push(...r.map((p) => `${rel}: ${p}`));
  }
  assert.deepEqual(problems, []);
  await ctx.close();

  // The skip link is the first Tab stop, visible when focused, and moves focus to main.
  const js = await context();
  for (const rel of [ARTICLE, "articles/arabic.html"]) {
    const { page } = await open(js, rel);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip", rel);
    const box = await page.locator("a.skip").boundingBox();
    const width = await page.evaluate(() => document.documentElement.clientWidth);
    assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width, `${rel}: skip link visible when focused`);
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main", rel);
  }
  await js.close();
});
