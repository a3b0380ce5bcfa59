// Bundles the app into one app.js and one app.css beside index.html:
//   node build.mjs [OUT_DIR]     (default: ../../build/web)
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, "../../build/web"));
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: { app: join(here, "src/main.tsx") },
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "iife",
  target: ["chrome110", "firefox110", "safari16"],
  outdir: outDir,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(join(here, "index.html"), join(outDir, "index.html"));
