// The reviewer in a real Chromium against a real icr-server: opens the
// report and verifies its signed head in the browser; verifies the exported
// trail (hash chain, Merkle root, Ed25519 by WebCrypto); a copy with one
// byte of one event changed is refused, naming that event; the audit trail
// filtered by actor and action.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";
import type { Person } from "./harness";
import { api, changeOneByte, codeTheRound, open, type ExportedTrail } from "./lead_helpers";

let reviewers = 0;

async function aReviewer(icr: import("./harness").IcrServer, project: string): Promise<Person> {
  const reviewer = await icr.createUser(`rita${++reviewers}`, "Rita Reviewer");
  await icr.cli(["member", "add", project, reviewer.id, "--role", "reviewer"]);
  return reviewer;
}


test("a reviewer opens the report and verifies its head and the trail in the browser", async ({ page, context, study, icr }) => {
  await codeTheRound(icr, study);
  const reviewer = await aReviewer(icr, study.project);
  await signIn(context, icr.baseUrl, reviewer);
  await open(page, `/projects/${study.project}`, "Peer mentoring interviews");
  await page.getByRole("link", { name: "Report" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Trustworthiness report" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Round Pilot round" })).toBeVisible();
  await page.getByRole("button", { name: "Verify the head's signature" }).click();
  await expect(page.locator(".head-result")).toContainText("Signed by the server's key");
  await page.getByRole("button", { name: "Check the trail against this head" }).click();
  await expect(page.locator(".verification[data-ok='true']")).toContainText(/Verified: \d+ events of project/);
  await expect(page.locator("[data-check='kept']")).toContainText("passed");
  await screenshot(page, "reviewer-report");
  await expectAccessible(page, "report");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "HTML (prints well)" }).click();
  expect((await download).suggestedFilename()).toBe(`${study.project}-report.html`);
});

test("the export verifies; one byte of one event changed is refused, naming that event", async ({ page, context, study, icr }) => {
  await codeTheRound(icr, study);
  const reviewer = await aReviewer(icr, study.project);
  await signIn(context, icr.baseUrl, reviewer);
  await open(page, `/projects/${study.project}/verify`, "Verify the audit trail");
  await expect(page.locator("[data-key-id]")).toHaveText(/^[0-9a-f]{64}$/);
  await page.getByRole("button", { name: "Verify the server's export" }).click();
  const verdict = page.locator(".verification");
  await expect(verdict).toHaveAttribute("data-ok", "true");
  const exported = (await api<ExportedTrail>(icr, reviewer, "GET", `/v1/projects/${study.project}/events:export`)).json;
  const events = exported.flatMap((m) => m.events ?? []);
  await expect(verdict).toContainText(`Verified: ${events.length} events of project ${study.project}`);
  await expect(page.locator("[data-check='chain']")).toContainText("passed");
  await expect(page.locator("[data-check='merkle']")).toContainText("passed");
  await expect(page.locator("[data-check='signature']")).toContainText("passed");
  await screenshot(page, "reviewer-verify");
  await expectAccessible(page, "verify");

  // The file field is the app's button, reached by Tab after the download
  // button, named by its label, with the browser's own text out of sight.
  await page.getByRole("button", { name: "Download the export" }).focus();
  await page.keyboard.press("Tab");
  const fileField = page.locator("#export-file");
  await expect(fileField).toBeFocused();
  await expect(page.getByLabel(/^Or verify an export file/)).toHaveAttribute("type", "file");
  await expect(page.locator("label[for='export-file'].button")).toHaveText("Choose a file…");
  await expect(page.locator("label[for='export-file'].button")).toHaveCSS("outline-style", "solid");
  await expect(page.locator("#export-file-chosen")).toHaveText("No file chosen");

  // bob's SubmitCodings: one byte of its result summary, inside the hashed bytes.
  const target = events.find((e) => e.event.actor === "bob" && e.event.method.endsWith("/SubmitCodings"))!;
  changeOneByte(target);
  const file = join(icr.dir, "changed-trail.json");
  writeFileSync(file, JSON.stringify(exported));
  await page.locator("#export-file").setInputFiles(file);
  await expect(page.locator(".verification")).toHaveAttribute("data-ok", "false");
  const alert = page.locator(".verification .verdict");
  await expect(alert).toContainText(new RegExp(`Not verified: event ${target.seq} \\(SubmitCodings by bob, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\) does not match its hash: the trail was changed at or after this event`));
  await expect(page.locator("[data-check='chain']")).toContainText("failed");
  await screenshot(page, "reviewer-verify-refused");
  await expectAccessible(page, "verify, refused");
});

test("the audit trail, filtered by actor and action, with the signed head", async ({ page, context, study, icr }) => {
  await codeTheRound(icr, study);
  const reviewer = await aReviewer(icr, study.project);
  await signIn(context, icr.baseUrl, reviewer);
  await open(page, `/projects/${study.project}/audit`, "Audit trail");
  const rows = page.locator("table.events tbody tr");
  await expect(rows.first()).toBeVisible();
  const all = await rows.count();
  await page.getByLabel("Actor").selectOption("alice");
  await expect(rows.first()).toBeVisible();
  const actors = await page.locator("table.events tbody tr td:nth-child(3)").allTextContents();
  expect(actors.length).toBeGreaterThan(0);
  expect(actors.length).toBeLessThan(all);
  expect(actors.every((a) => a.includes("alice"))).toBe(true);
  await page.getByLabel("Action").selectOption("SetDocumentProgress");
  const actions = await page.locator("table.events tbody tr td:nth-child(4)").allTextContents();
  expect(actions).toEqual(["SetDocumentProgress", "SetDocumentProgress"]);
  await page.getByLabel("Actor").selectOption("");
  await page.getByLabel("Action").selectOption("");
  await expect(rows).toHaveCount(all);
  await page.getByRole("button", { name: "Check the signature in this browser" }).click();
  await expect(page.getByText("The signature is valid for this key.")).toBeVisible();
  await screenshot(page, "reviewer-audit");
  await expectAccessible(page, "audit trail");
});
