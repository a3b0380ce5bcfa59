// The browser suite: Debian's Chromium (no browser download), one real
// icr-server per worker (fixtures.ts), 1280×800 pages.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: __dirname,
  testMatch: /.*\.spec\.ts$/,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: process.env.ICR_WEB_WORKERS ? Number(process.env.ICR_WEB_WORKERS) : 2,
  retries: 0,
  reporter: [["list"]],
  outputDir: (process.env.ICR_BUILD_DIR ?? __dirname + "/../../build") + "/web-test-results",
  use: {
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
    trace: "off",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
