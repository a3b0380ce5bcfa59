// Runs the app's unit tests (tests/web/unit/*.test.ts) with node's test
// runner: each file is bundled by esbuild (TypeScript to JavaScript) first.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const testsDir = join(here, "../../../tests/web/unit");
const outDir = mkdtempSync(join(tmpdir(), "icr-web-unit-"));
const files = readdirSync(testsDir).filter((f) => f.endsWith(".test.ts"));
await build({
  entryPoints: files.map((f) => join(testsDir, f)),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outdir: outDir,
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
  external: ["node:*"],
});
const result = spawnSync(
  process.execPath,
  ["--test", ...files.map((f) => join(outDir, f.replace(/\.ts$/, ".mjs")))],
  { stdio: "inherit" },
);
rmSync(outDir, { recursive: true, force: true });
// And no component writes user-visible English of its own (scripts/untranslated.mjs).
const untranslated = spawnSync(process.execPath, [join(here, "untranslated.mjs")], { stdio: "inherit" });
process.exit(result.status || untranslated.status || 0);
