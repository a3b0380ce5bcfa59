// The lead's screens on a study the size of a typical interview study, in
// headless Chromium against a real icr-server (writes synced, as by default):
// 43 transcripts of about 50,000 characters (segmented by paragraph), 267
// codes (2 themes, 5 categories under them, 260 codes under those), 3 coders
// who coded every paragraph and marked every document done. Prints how long
// each screen takes to open — from navigation to its content on screen —
// the median and worst of N opens of: the project overview (rounds and each
// coder's progress), the codebook tree (all 267 codes), the agreement
// dashboard (the per-code table, 260 rows).
//
//   node bench/web_lead_open/run.mjs [--opens 5]
//
// Needs build/server/icr-server, build/client/icr, build/web (the icr-web
// target) and client/web/node_modules; ICR_BUILD_DIR points elsewhere.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const build = resolve(process.env.ICR_BUILD_DIR ?? join(root, "build"));
const require = createRequire(join(root, "client/web/package.json"));
const { chromium } = require("playwright-core");

const at = process.argv.indexOf("--opens");
const opens = at > 0 ? Number(process.argv[at + 1]) : 5;
const DOCUMENTS = 43;
const DOCUMENT_LENGTH = 50_000;

const freePort = () => new Promise((ok) => {
  const server = createServer();
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => ok(port));
  });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let seed = 4242;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

function transcript() {
  const words = ("the mentor was there when I needed her and we talked about exams time plans trust family " +
    "money worries friends first year course work feedback support advice felt alone better placement").split(" ");
  const paragraphs = [];
  let total = 0;
  for (let p = 0; total < DOCUMENT_LENGTH; p++) {
    let text = p % 2 === 0 ? "Interviewer:" : "Participant:";
    const target = 150 + Math.floor(random() * 900);
    while (text.length < target) text += " " + words[Math.floor(random() * words.length)];
    paragraphs.push(text + ".");
    total += text.length + 3;
  }
  return paragraphs.join("\n\n");
}

const dir = mkdtempSync(join(tmpdir(), "icr-bench-lead-"));
const grpcPort = await freePort();
const httpPort = await freePort();
const server = spawn(join(build, "server/icr-server"), ["--listen", `127.0.0.1:${grpcPort}`,
  "--http_listen", `127.0.0.1:${httpPort}`, "--data_dir", join(dir, "data")], { stdio: "ignore" });
const base = `http://127.0.0.1:${httpPort}`;
try {
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/v1/users/me`).then((r) => r.status === 401, () => false)) break;
    await sleep(100);
  }
  await sleep(300);
  const cli = (...args) => execFileSync(join(build, "client/icr"),
    ["--server", `127.0.0.1:${grpcPort}`, "--token_file", join(dir, "data/admin.token"), ...args], { encoding: "utf8" });
  const token = (id) => JSON.parse(cli("--output", "json", "user", "create", id)).token;
  const people = { lead: token("lead"), c1: token("c1"), c2: token("c2"), c3: token("c3") };
  const call = async (who, method, path, body) => {
    const answer = await fetch(base + path, { method, headers: { Authorization: `Bearer ${people[who]}`,
      "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  };
  const setupStart = Date.now();
  const P = "/v1/projects/study";
  cli("project", "create", "study", "--title", "Interview study", "--blind");
  cli("member", "add", "study", "lead", "--role", "lead");
  for (const c of ["c1", "c2", "c3"]) cli("member", "add", "study", c, "--role", "coder");
  // 2 themes, 5 categories, 260 codes: 267.
  const leaves = [];
  for (const theme of ["experience", "outcomes"]) await call("lead", "POST", `${P}/codes`, { code: { id: theme, name: `Theme ${theme}` } });
  for (let c = 0; c < 5; c++) {
    await call("lead", "POST", `${P}/codes`, { code: { id: `cat${c}`, name: `Category ${c + 1}`, parent: c < 3 ? "experience" : "outcomes" } });
  }
  for (let k = 0; k < 260; k++) {
    const id = `code${String(k).padStart(3, "0")}`;
    leaves.push(id);
    await call("lead", "POST", `${P}/codes`, { code: { id, name: `Code ${k + 1}`, parent: `cat${k % 5}`,
      definition: `What code ${k + 1} means, with its boundaries and an example.` } });
  }
  const documents = [];
  for (let d = 0; d < DOCUMENTS; d++) {
    const id = `int-${String(d + 1).padStart(2, "0")}`;
    const text = transcript();
    const answer = await call("lead", "POST", `${P}/documents`, { id, title: `Interview ${d + 1}`,
      text: Buffer.from(text).toString("base64"), segmentation: "SEGMENT_PARAGRAPH" });
    documents.push({ id, segments: answer.document.segments.length });
  }
  await call("lead", "POST", `${P}/rounds`, { id: "r1", title: "Main round", documents: documents.map((d) => d.id),
    coders: ["c1", "c2", "c3"], blind: true });
  let codings = 0;
  for (const coder of ["c1", "c2", "c3"]) {
    for (const d of documents) {
      const batch = [];
      for (let s = 0; s < d.segments; s++) {
        // Two codes per paragraph; coders agree on the first most of the time.
        const first = leaves[(s * 7 + d.segments) % leaves.length];
        batch.push({ document: d.id, segment: String(s), code: random() < 0.8 ? first : leaves[Math.floor(random() * leaves.length)] });
        const second = leaves[Math.floor(random() * leaves.length)];
        if (second !== batch[batch.length - 1].code) batch.push({ document: d.id, segment: String(s), code: second });
      }
      await call(coder, "POST", `${P}/rounds/r1/codings`, { codings: batch });
      await call(coder, "POST", `${P}/rounds/r1/documents/${d.id}/progress`, { state: "DONE" });
      codings += batch.length;
    }
  }
  const segments = documents.reduce((n, d) => n + d.segments, 0);
  console.log(`study: ${DOCUMENTS} documents (${segments} paragraphs), 267 codes, 3 coders, ${codings} codings; ` +
    `set up in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
  const screens = [
    ["project overview", "/projects/study", ".progress-table tbody tr:nth-child(3)"],
    ["codebook tree", "/projects/study/codebook", "li[data-code='code259']"],
    ["agreement dashboard", "/projects/study/rounds/r1/agreement", ".agreement-table tr[data-row='overall'] td[data-value]"],
  ];
  // How a page is opened: a fresh load of the app at that address (the first
  // visit), or a click inside the app (the route changes, the app is loaded);
  // and with the browser's own Accept-Encoding, or without brotli (what the
  // server's compression costs).
  const variants = [
    { name: "fresh load", inApp: false, headers: {} },
    { name: "in the app", inApp: true, headers: {} },
    { name: "fresh load, no brotli", inApp: false, headers: { "Accept-Encoding": "gzip, deflate" } },
  ];
  const results = [];
  for (const variant of variants) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: variant.headers });
    const signed = await context.request.post(`${base}/v1/sessions`, { data: { token: people.lead }, headers: { Origin: base } });
    if (signed.status() !== 200) throw new Error(`sign-in: ${signed.status()}`);
    const page = await context.newPage();
    for (const [name, route, selector] of screens) {
      const times = [];
      for (let i = 0; i < opens + 1; i++) {
        if (variant.inApp) {
          await page.goto(`${base}/#/projects`);
          await page.waitForSelector("h1");
        } else {
          await page.goto("about:blank");
        }
        const start = Date.now();
        if (variant.inApp) await page.evaluate((r) => { window.location.hash = "#" + r; }, route);
        else await page.goto(`${base}/#${route}`);
        await page.waitForSelector(selector, { timeout: 30_000 });
        // Until the frame with the content is painted.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        if (i > 0) times.push(Date.now() - start); // the first open warms the server's caches
      }
      if (process.env.ICR_BENCH_DETAIL) {
        console.log(await page.evaluate(() => performance.getEntriesByType("resource").map((e) =>
          `  ${e.name.replace(/^https?:\/\/[^/]+/, "").slice(0, 90)} ${Math.round(e.startTime)}..${Math.round(e.responseEnd)}`).join("\n")));
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      results.push({ name: `${name} (${variant.name})`, median });
      console.log(`${`${name}, ${variant.name}`.padEnd(44)} median ${median} ms, worst ${times[times.length - 1]} ms over ${times.length} opens`);
    }
    await context.close();
  }
  await browser.close();
  const slow = results.filter((r) => r.median >= 1000);
  console.log(slow.length ? `over 1 s: ${slow.map((r) => r.name).join("; ")}` : "every screen opens in under 1 s");
} finally {
  server.kill("SIGTERM");
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
}
