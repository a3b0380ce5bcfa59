// Issue tests 7 and 8 for everyone's and the coder's screens: axe-core finds
// no serious or critical violation, a 1280×800 screenshot of each is written
// under build/web-screenshots/, and no screen loads anything from another
// origin.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dragSelect } from "./coder_helpers";
import { expect, expectAccessible, screenshot, test, watchOrigins } from "./fixtures";
import { interviewText, type Person } from "./harness";

function span(passage: string): [number, number] {
  const at = interviewText.indexOf(passage);
  if (at < 0) throw new Error(passage);
  const start = [...interviewText.slice(0, at)].length;
  return [start, start + [...passage].length];
}

test("each of the coder's screens is accessible, and is photographed", async ({ page, icr, study }) => {
  const alice = study.coders[0] as Person;
  const bob = study.coders[1] as Person;
  // Alice has coded part of the interview already, with overlaps; Bob has finished one document.
  const rows = [
    ["avail", "always available when I needed her, even late in the evening", "Evening availability matters"],
    ["positive", "that made a real difference to how I settled in", ""],
    ["support", "We were matched in the first week of term. She was always available", ""],
    ["negative", "I felt a bit abandoned then", "Exam period"],
    ["avail", "Around exams she was too busy to answer", ""],
    ["advice", "Later she apologised and we made a plan together", ""],
    ["positive", "I trust people more easily now", ""],
    ["growth", "I mentor two first-year students myself", ""],
  ];
  const csv = ["document,code,start,end,memo", ...rows.map(([code, passage, memo]) => {
    const [start, end] = span(passage!);
    return `int-01,${code},${start},${end},${memo}`;
  })].join("\n");
  const file = join(icr.dir, "alice-screens.csv");
  writeFileSync(file, csv + "\n");
  await icr.cli(["coding", "submit", study.project, study.round, "--file", file], alice.tokenFile);
  await icr.cli(["coding", "done", study.project, study.round, "int-02"], alice.tokenFile);
  await icr.cli(["coding", "done", study.project, study.round, "int-02"], bob.tokenFile);

  const foreign = watchOrigins(page, icr.baseUrl);

  // Signed out: the sign-in screen.
  await page.goto("/#/projects");
  await expect(page.getByRole("heading", { name: "Sign in to icr" })).toBeVisible();
  await expectAccessible(page, "sign-in");
  await screenshot(page, "signin");

  // Paste a token: the projects.
  await page.getByLabel("API token").fill(alice.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Your projects" })).toBeVisible();
  await expect(page.locator(".who-name")).toHaveText("Alice Adams");
  await expectAccessible(page, "projects");
  await screenshot(page, "projects");

  // The project's overview: rounds, state, "k of n documents done".
  // (Other tests of this worker's server made projects of the same title.)
  await page.locator(`a[href="#/projects/${study.project}"]`).first().click();
  await expect(page.getByRole("heading", { name: "Rounds" })).toBeVisible();
  await expect(page.locator(".round").first()).toContainText("1 of 2 documents done");
  await expectAccessible(page, "project overview");
  await screenshot(page, "project-overview");

  // The round's documents.
  await page.getByRole("link", { name: "Pilot round" }).first().click();
  await expect(page.getByRole("table")).toContainText("Interview 1 — Maya");
  await expect(page.getByRole("row", { name: /Interview 2/ })).toContainText("Done");
  await expectAccessible(page, "round documents");
  await screenshot(page, "coder-round");

  // The document with its codings.
  await page.getByRole("link", { name: "Interview 1 — Maya" }).click();
  await expect(page.locator(".coding-item")).toHaveCount(rows.length);
  await expectAccessible(page, "document");
  await screenshot(page, "coder-document");

  // Choosing a code for a selected passage: the picker with the criteria.
  await dragSelect(page, "Interviewer: What", "experience");
  await page.locator("#code-filter").fill("sup");
  await page.getByRole("option", { name: /Availability/ }).hover();
  await expect(page.locator(".criteria")).toContainText("Whether the mentor had time");
  await expectAccessible(page, "code picker");
  await screenshot(page, "coder-picker");

  // Retracting asks for a reason.
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Retract the coding Negative emotion" }).click();
  await page.getByRole("button", { name: "Retract coding" }).click();
  await expect(page.locator(".retract-form")).toContainText("Say why you retract this coding");
  await page.locator(".retract-form textarea").fill("Disappointment, not abandonment");
  await expectAccessible(page, "retract");
  await screenshot(page, "coder-retract");
  await page.getByRole("button", { name: "Retract coding" }).click();
  await expect(page.locator(".coding-item")).toHaveCount(rows.length - 1);
  const retracted = await icr.cliJson<{ codings: { code: string; state: string; retract_reason?: string }[] }>(
    ["coding", "list", study.project, study.round, "--all", "--code", "negative"],
    alice.tokenFile,
  );
  expect(retracted.codings.map((c) => [c.state, c.retract_reason])).toEqual([["RETRACTED", "Disappointment, not abandonment"]]);

  // Done, then reopened.
  await page.getByRole("button", { name: "Done with this document" }).click();
  await expect(page.getByRole("button", { name: "Reopen this document" })).toBeVisible();
  await page.getByRole("button", { name: "Reopen this document" }).click();
  await expect(page.getByRole("button", { name: "Done with this document" })).toBeVisible();

  expect(foreign, "requests to another origin").toEqual([]);
});
