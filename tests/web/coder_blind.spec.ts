// Issue test 1: three coders in three browser contexts code a blind round,
// one with the mouse, one by keyboard only, one with both; each sees only
// their own codings, in the page and in the API's answers.
import type { BrowserContext, Page } from "@playwright/test";
import { dragSelect, drawnCodes } from "./coder_helpers";
import { expect, signIn, test, watchOrigins } from "./fixtures";
import type { Person } from "./harness";

interface ApiCoding {
  id: string;
  coder: string;
  code: string;
  state: string;
}

async function codingsSeenBy(context: BrowserContext, base: string, project: string, round: string, query = "") {
  const answer = await context.request.get(`${base}/v1/projects/${project}/rounds/${round}/codings${query}`);
  expect(answer.status()).toBe(200);
  return ((await answer.json()) as { codings: ApiCoding[] }).codings;
}

/** Presses Tab until the button named `name` has the focus. */
async function focusByTab(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      return element instanceof HTMLButtonElement ? element.textContent ?? "" : "";
    });
    if (focused.includes(name)) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

test("a blind round coded by mouse, by keyboard and by both: each coder sees only their own", async ({
  browser,
  icr,
  study,
}) => {
  const base = icr.baseUrl;
  const [alice, bob, carol] = study.coders as [Person, Person, Person];
  const url = `${base}/#/projects/${study.project}/rounds/${study.round}/documents/int-01`;
  const sessions = await Promise.all(
    [alice, bob, carol].map(async (person) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await signIn(context, base, person);
      const page = await context.newPage();
      const foreign = watchOrigins(page, base);
      await page.goto(url);
      await expect(page.getByRole("heading", { name: "Interview 1 — Maya" })).toBeVisible();
      return { person, context, page, foreign };
    }),
  );
  const [a, b, c] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];

  // Alice, with the mouse: drag over a passage (snapped to words), click a code.
  await dragSelect(a.page, "lways avail", "the eveni");
  await expect(a.page.locator(".target-words")).toContainText("always available when I needed her, even late in the evening");
  await a.page.getByRole("option", { name: /Availability/ }).click();
  await expect(a.page.locator(".coding-item")).toHaveCount(1);
  await expect(a.page.locator(".coding-item").first()).toContainText("Availability");
  // A second, overlapping coding: both stay drawn.
  await dragSelect(a.page, "needed her", "difference");
  await a.page.getByRole("option", { name: /Positive emotion/ }).click();
  await expect(a.page.locator(".coding-item")).toHaveCount(2);
  const overlap = await a.page.locator(".doc-text .r.coded", { hasText: "evening" }).first().getAttribute("title");
  expect(overlap).toContain("Availability");
  expect(overlap).toContain("Positive emotion");

  // Bob, by keyboard only: j/k to a segment, Enter, filter by typing, Enter;
  // then a digit key; then Tab to "Done" and Enter.
  for (let i = 0; i < 5; i++) await b.page.keyboard.press("j");
  await b.page.keyboard.press("k");
  await expect(b.page.locator(".target-words")).toContainText("Segment 4");
  await b.page.keyboard.press("Enter");
  await expect(b.page.getByRole("listbox")).toBeFocused();
  await b.page.keyboard.type("negat");
  await expect(b.page.getByRole("listbox").getByRole("option")).toHaveCount(1);
  await b.page.keyboard.press("Enter");
  await expect(b.page.locator(".coding-item")).toHaveCount(1);
  await b.page.keyboard.press("j");
  await b.page.keyboard.press("Enter");
  await expect(b.page.getByRole("listbox")).toBeFocused();
  // The first nine codes carry their key: 6 is Advice in the tree (Feelings,
  // Negative, Positive, Personal growth, Support, Advice...).
  await expect(b.page.getByRole("listbox").getByRole("option").nth(5)).toContainText("6");
  await expect(b.page.getByRole("listbox").getByRole("option").nth(5)).toContainText("Advice");
  await b.page.keyboard.press("6");
  await expect(b.page.locator(".coding-item")).toHaveCount(2);
  await expect(b.page.locator(".coding-item").nth(1)).toContainText("Advice");
  await focusByTab(b.page, "Done with this document");
  await b.page.keyboard.press("Enter");
  await expect(b.page.locator(".doc-actions")).toContainText("Done");
  await expect(b.page.getByRole("button", { name: "Reopen this document" })).toBeVisible();

  // Carol, both: select with the mouse, apply with a digit key, add a memo.
  await dragSelect(c.page, "trust people", "easily");
  await c.page.locator("#coding-memo").fill("Trust as an outcome of mentoring");
  await c.page.getByRole("option", { name: /Reassurance/ }).click();
  await expect(c.page.locator(".coding-item")).toHaveCount(1);
  await expect(c.page.locator(".coding-item")).toContainText("Memo: Trust as an outcome of mentoring");
  await dragSelect(c.page, "asking for", "fine");
  await expect(c.page.locator(".target-words")).toContainText("asking for help is fine");
  await c.page.keyboard.press("4");
  await expect(c.page.locator(".coding-item")).toHaveCount(2);

  // Each page, reloaded, shows exactly its coder's codings.
  const expected: Record<string, string[]> = {
    alice: ["Availability", "Positive emotion"],
    bob: ["Negative emotion", "Advice"],
    carol: ["Personal growth", "Reassurance"],
  };
  for (const s of sessions) {
    await s.page.reload();
    await expect(s.page.locator(".coding-item")).toHaveCount(2);
    const listed = (await s.page.locator(".coding-item .code-tag").allTextContents()).join(" | ");
    const drawn = (await drawnCodes(s.page)).join(" | ");
    for (const [coder, codes] of Object.entries(expected)) {
      for (const code of codes) {
        if (coder === s.person.id) {
          expect(listed, `${s.person.id} lists ${code}`).toContain(code);
          expect(drawn, `${s.person.id} sees ${code} drawn`).toContain(code);
        } else if (!expected[s.person.id]!.includes(code)) {
          expect(listed, `${s.person.id} must not list ${coder}'s ${code}`).not.toContain(code);
          expect(drawn, `${s.person.id} must not see ${coder}'s ${code}`).not.toContain(code);
        }
      }
    }
    // The API answers the same: every coding the session can read is its own,
    // even when it asks for another coder's.
    const seen = await codingsSeenBy(s.context, base, study.project, study.round);
    expect(seen.map((x) => x.coder)).toEqual([s.person.id, s.person.id]);
    for (const other of sessions.filter((o) => o !== s)) {
      const answer = await s.context.request.get(
        `${base}/v1/projects/${study.project}/rounds/${study.round}/codings?coder=${other.person.id}`,
      );
      if (answer.status() === 200) {
        expect(((await answer.json()) as { codings: ApiCoding[] }).codings).toEqual([]);
      } else {
        expect(answer.status()).toBe(403);
      }
    }
    expect(s.foreign, "requests to another origin").toEqual([]);
  }

  // The server holds all six, as the lead's CLI lists them.
  const all = await icr.cliJson<{ codings: { coder: string; code: string }[] }>(
    ["coding", "list", study.project, study.round],
    study.lead.tokenFile,
  );
  expect(all.codings.map((x) => `${x.coder}:${x.code}`).sort()).toEqual(
    ["alice:avail", "alice:positive", "bob:advice", "bob:negative", "carol:growth", "carol:reassure"].sort(),
  );
  for (const s of sessions) await s.context.close();
});
