// The coder's document view under load, in headless Chromium against a real
// icr-server (writes synced, as by default):
//   - opening a 600,000-character document with 300 overlapping codings,
//     until its text and highlights are painted (median and worst of N opens);
//   - applying a code by keyboard (j, then a digit key): from the key press to
//     the new highlight painted, after the server has stored it (p50, p95).
//
//   node bench/web_document_open/run.mjs [--opens 7] [--presses 40]
//
// Needs build/server/icr-server, build/client/icr, build/web (the icr-web
// target) and client/web/node_modules; ICR_BUILD_DIR points elsewhere.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
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

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const opens = arg("opens", 7);
const presses = arg("presses", 40);
const documentLength = 600_000;
const codingCount = 300;

function freePort() {
  return new Promise((ok) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A deterministic generator, so every run codes the same passages.
let seed = 20240611;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

function interview(length) {
  const words = ("the mentor was there when I needed her and we talked about exams time plans trust " +
    "family money worries friends first year course work feedback support advice felt alone better").split(" ");
  const paragraphs = [];
  let total = 0;
  for (let p = 0; total < length; p++) {
    const speaker = p % 2 === 0 ? "Interviewer:" : "Participant:";
    let text = speaker;
    const target = 200 + Math.floor(random() * 900);
    while (text.length < target) text += " " + words[Math.floor(random() * words.length)];
    text += p % 17 === 5 ? " 😀." : ".";
    paragraphs.push(text);
    total += text.length + 2;
  }
  return [...paragraphs.join("\n\n")].slice(0, length).join("");
}

// The app's minified positions mapped back to its sources (app.js.map).
function sourceNamer() {
  let lines;
  try {
    const map = JSON.parse(readFileSync(join(build, "web/app.js.map"), "utf8"));
    const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let source = 0, line = 0, column = 0;
    lines = map.mappings.split(";").map((group) => {
      let generated = 0;
      return group.split(",").filter(Boolean).map((segment) => {
        const values = [];
        for (let i = 0, value = 0, shift = 0; i < segment.length; i++) {
          const d = digits.indexOf(segment[i]);
          value += (d & 31) << shift;
          if (d & 32) shift += 5;
          else {
            values.push(value & 1 ? -(value >> 1) : value >> 1);
            value = shift = 0;
          }
        }
        generated += values[0];
        if (values.length > 1) { source += values[1]; line += values[2]; column += values[3]; }
        return [generated, map.sources[source], line + 1];
      });
    });
  } catch {
    return () => "";
  }
  return (lineNumber, columnNumber) => {
    const group = lines[lineNumber] ?? [];
    let best;
    for (const entry of group) if (entry[0] <= columnNumber) best = entry;
    return best ? `${best[1].replace(/^.*node_modules\//, "").replace(/^(\.\.\/)+/, "")}:${best[2]}` : "";
  };
}

function printProfile(profile) {
  const named = sourceNamer();
  const self = new Map();
  const dt = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const id of profile.samples) {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id).callFrame;
    const where = url.endsWith("app.js") ? named(lineNumber, columnNumber) : url.split("/").pop();
    const name = `${functionName || "(anonymous)"} ${where}`;
    self.set(name, (self.get(name) ?? 0) + dt);
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.error(top.map(([name, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${name}`).join("\n"));
}

const dir = mkdtempSync(join(tmpdir(), "icr-web-bench-"));
const httpPort = await freePort();
const server = spawn(
  join(build, "server/icr-server"),
  ["--listen", "127.0.0.1:0", "--http_listen", `127.0.0.1:${httpPort}`, "--data_dir", join(dir, "data")],
  { stdio: ["ignore", "pipe", "pipe"] },
);
let log = "";
server.stdout.on("data", (c) => (log += c));
server.stderr.on("data", (c) => (log += c));
let browser;
try {
  let grpcPort;
  for (let i = 0; i < 300 && !(grpcPort = /listening on port (\d+)/.exec(log)?.[1]); i++) await sleep(50);
  if (!grpcPort) throw new Error(`icr-server did not start:\n${log}`);
  const base = `http://127.0.0.1:${httpPort}`;
  const adminToken = join(dir, "data/admin.token");
  for (let i = 0; i < 200 && !existsSync(adminToken); i++) await sleep(50);
  const icr = (args, token = adminToken) =>
    execFileSync(join(build, "client/icr"), ["--server", `127.0.0.1:${grpcPort}`, "--token_file", token, ...args], {
      cwd: dir,
      maxBuffer: 256 << 20,
    }).toString();

  const coder = JSON.parse(icr(["--output", "json", "user", "create", "coder"])).token;
  const coderToken = join(dir, "coder.token");
  writeFileSync(coderToken, coder + "\n");
  icr(["project", "create", "bench", "--title", "Benchmark", "--blind"]);
  icr(["member", "add", "bench", "coder", "--role", "coder"]);
  const codes = [];
  for (let theme = 0; theme < 3; theme++) {
    icr(["code", "add", "bench", `t${theme}`, "--name", `Theme ${theme + 1}`, "--definition", "A theme."]);
    for (let c = 0; c < 6; c++) {
      const id = `t${theme}c${c}`;
      icr(["code", "add", "bench", id, "--name", `Code ${theme + 1}.${c + 1}`, "--parent", `t${theme}`,
        "--definition", "What this code means.", "--inclusion", "When to use it.", "--exclusion", "When not to."]);
      codes.push(id);
    }
  }
  const text = interview(documentLength);
  writeFileSync(join(dir, "long.txt"), text);
  icr(["doc", "add", "bench", "long", "--file", join(dir, "long.txt"), "--title", "Long interview", "--segment", "paragraph"]);
  icr(["round", "create", "bench", "r1", "--docs", "long", "--coders", "coder", "--blind"]);
  const points = [...text].length;
  const rows = ["document,code,start,end"];
  for (let i = 0; i < codingCount; i++) {
    // Clustered, so that many overlap: 30 places, 10 codings around each.
    const center = Math.floor(((i % 30) + 0.5) * (points / 30));
    const start = Math.max(0, center - Math.floor(random() * 4000));
    const end = Math.min(points, start + 20 + Math.floor(random() * 3000));
    rows.push(`long,${codes[i % codes.length]},${start},${end}`);
  }
  writeFileSync(join(dir, "codings.csv"), rows.join("\n") + "\n");
  icr(["coding", "submit", "bench", "r1", "--file", join(dir, "codings.csv")], coderToken);

  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const signin = await context.request.post(`${base}/v1/sessions`, { data: { token: coder }, headers: { Origin: base } });
  if (signin.status() !== 200) throw new Error(`sign-in: ${signin.status()} ${await signin.text()}`);
  const page = await context.newPage();
  const url = `${base}/#/projects/bench/rounds/r1/documents/long`;

  // Opening: from the navigation's start to the frame after the highlights
  // are in the page (text and bars painted).
  const openTimes = [];
  // ICR_BENCH_PROFILE=1: the last open's JavaScript profile, by self time.
  const cdp = process.env.ICR_BENCH_PROFILE ? await context.newCDPSession(page) : null;
  for (let i = 0; i < opens; i++) {
    await page.goto("about:blank");
    const profiling = cdp && i === opens - 1;
    if (profiling) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }
    await page.goto(url, { waitUntil: "commit" });
    const ms = await page.evaluate(
      () =>
        new Promise((done) => {
          const check = () => {
            if (document.querySelectorAll(".doc-text .r.coded").length > 0 && document.querySelectorAll(".coding-item").length >= 300) {
              requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())));
            } else {
              requestAnimationFrame(check);
            }
          };
          check();
        }),
    );
    openTimes.push(ms);
    if (profiling) printProfile((await cdp.send("Profiler.stop")).profile);
    if (process.env.ICR_BENCH_DETAIL) {
      console.error(await page.evaluate(() => JSON.stringify({
        resources: performance.getEntriesByType("resource").map((r) => [r.name.replace(/^.*\/v1/, "").slice(0, 60), Math.round(r.startTime), Math.round(r.responseEnd)]),
        blocks: document.querySelectorAll(".doc-text .ln").length,
        runs: document.querySelectorAll(".doc-text .r").length,
      })));
    }
  }

  console.error(`opens: ${openTimes.map((t) => t.toFixed(0)).join(" ")} ms`);
  page.on("crash", () => console.error("the page crashed"));
  page.on("pageerror", (e) => console.error("page error:", e.message));

  // Applying a code by keyboard: j moves to the next segment, a digit applies.
  // Applying a code by keyboard: j moves to the next segment, a digit
  // applies; timed inside the page from the key's event to the frame after
  // the new coding is drawn (its POST answered, so stored and synced).
  // ICR_BENCH_TRACE=1: the browser's own work during the key presses
  // (style, layout, paint...), summed by kind.
  const tracer = process.env.ICR_BENCH_TRACE ? await context.newCDPSession(page) : null;
  const traceEvents = [];
  if (tracer) {
    tracer.on("Tracing.dataCollected", ({ value }) => traceEvents.push(...value));
    await tracer.send("Tracing.start", { categories: "devtools.timeline", transferMode: "ReportEvents" });
  }
  if (cdp) await cdp.send("Profiler.start");
  const pressTimes = await page.evaluate(async (presses) => {
    const key = (k) => window.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const times = [];
    key("j");
    await frame();
    for (let i = 0; i < presses; i++) {
      key("j");
      await frame();
      const before = document.querySelectorAll(".doc-text .r.coded").length;
      const items = document.querySelectorAll(".coding-item").length;
      const start = performance.now();
      key(String(1 + (i % 9)));
      while (document.querySelectorAll(".coding-item").length <= items) await frame();
      await frame();
      if (document.querySelectorAll(".doc-text .r.coded").length < before) throw new Error("a highlight went missing");
      times.push(performance.now() - start);
    }
    return times;
  }, presses);
  if (cdp) printProfile((await cdp.send("Profiler.stop")).profile);
  if (tracer) {
    const done = new Promise((ok) => tracer.once("Tracing.tracingComplete", ok));
    await tracer.send("Tracing.end");
    await done;
    const total = new Map();
    for (const e of traceEvents) if (e.ph === "X" && e.dur) total.set(e.name, (total.get(e.name) ?? 0) + e.dur / 1000);
    const top = [...total].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.error(top.map(([name, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${name}`).join("\n"));
  }

  // The server's share: each POST of a coding, as the browser timed it.
  const postTimes = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((r) => /\/rounds\/r1\/codings$/.test(r.name))
      .map((r) => r.responseEnd - r.startTime),
  );
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
  const gz = execFileSync("gzip", ["-c", join(build, "web/app.js")]).length;
  console.log(`document: ${points.toLocaleString("en")} code points, ${codingCount} codings, ${text.split("\n\n").length} paragraphs`);
  console.log(`open (navigation to text and highlights painted), ${opens} opens: median ${pct(openTimes, 50).toFixed(0)} ms, worst ${Math.max(...openTimes).toFixed(0)} ms`);
  console.log(`key press to highlight (stored, synced), ${presses} presses: p50 ${pct(pressTimes, 50).toFixed(1)} ms, p95 ${pct(pressTimes, 95).toFixed(1)} ms, worst ${Math.max(...pressTimes).toFixed(1)} ms`);
  if (postTimes.length) {
    console.log(`of which the POST (request to answer): p50 ${pct(postTimes, 50).toFixed(1)} ms, p95 ${pct(postTimes, 95).toFixed(1)} ms`);
  }
  console.log(`app.js: ${readFileSync(join(build, "web/app.js")).length.toLocaleString("en")} bytes, ${gz.toLocaleString("en")} gzipped`);
} finally {
  await browser?.close();
  server.kill("SIGTERM");
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
}
