// Issue test 5: a selection after an emoji and across a CRLF line end is
// stored at the exact code-point offsets (read back with the CLI and the API).
import { dragSelect } from "./coder_helpers";
import { expect, signIn, test } from "./fixtures";
import { unicodeText, type Person } from "./harness";

/** [start, end) in code points of `passage` in `text`. */
function codePoints(text: string, passage: string): { start: number; end: number } {
  const at = text.indexOf(passage);
  expect(at, `"${passage}" is in the text`).toBeGreaterThanOrEqual(0);
  const start = [...text.slice(0, at)].length;
  return { start, end: start + [...passage].length };
}

test("selections after emoji, across CRLF and after a combining mark keep their code-point offsets", async ({
  page,
  context,
  icr,
  study,
}) => {
  const alice = study.coders[0] as Person;
  await signIn(context, icr.baseUrl, alice);
  await page.goto(`/#/projects/${study.project}/rounds/${study.round}/documents/int-02`);
  await expect(page.getByRole("heading", { name: "Interview 2 — Unicode" })).toBeVisible();

  // After 😀 and across the first CRLF: "that day.\r\nThen".
  await dragSelect(page, "hat day", "Then");
  await page.getByRole("option", { name: /Positive emotion/ }).click();
  await expect(page.locator(".coding-item")).toHaveCount(1);
  // After the combining diaeresis of "na\u0308ive": "plan".
  await dragSelect(page, "pla", "lan");
  await page.getByRole("option", { name: /Advice/ }).click();
  await expect(page.locator(".coding-item")).toHaveCount(2);
  // After 🎉, on a later line: "that".
  await dragSelect(page, "at?", "at?");
  await page.getByRole("option", { name: /Reassurance/ }).click();
  await expect(page.locator(".coding-item")).toHaveCount(3);

  const expected: Record<string, { start: number; end: number }> = {
    positive: codePoints(unicodeText, "that day.\r\nThen"),
    advice: codePoints(unicodeText, "plan"),
    reassure: codePoints(unicodeText, "that?"),
  };
  expected.reassure!.end -= 1; // the question mark is not part of the word

  // The CLI reads them back from the server in code points.
  const listed = await icr.cliJson<{ codings: { code: string; start: number; end: number }[] }>(
    ["coding", "list", study.project, study.round, "--document", "int-02"],
    alice.tokenFile,
  );
  const byCode = Object.fromEntries(listed.codings.map((c) => [c.code, { start: Number(c.start), end: Number(c.end) }]));
  expect(byCode).toEqual(expected);
  const points = [...unicodeText];
  expect(points.slice(byCode.positive!.start, byCode.positive!.end).join("")).toBe("that day.\r\nThen");

  // The JSON API answers the same offsets (int64 as strings).
  const answer = await context.request.get(
    `${icr.baseUrl}/v1/projects/${study.project}/rounds/${study.round}/codings?document=int-02`,
  );
  const api = ((await answer.json()) as { codings: { code: string; span: { start: string; end: string } }[] }).codings;
  expect(Object.fromEntries(api.map((c) => [c.code, { start: Number(c.span.start), end: Number(c.span.end) }]))).toEqual(
    expected,
  );

  // And the page draws them over exactly those characters, after a reload.
  await page.reload();
  await expect(page.locator(".coding-item")).toHaveCount(3);
  const drawn = await page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const run of document.querySelectorAll<HTMLElement>(".doc-text .r.coded")) {
      out[run.title] = (out[run.title] ?? "") + run.textContent;
    }
    return out;
  });
  expect(Object.values(drawn).join("|")).toContain("that day.Then");
  expect(Object.values(drawn)).toContain("plan");
});
