// A grouping code (Code.grouping_only, REFI-QDA's isCodable="false") in the
// coder's code picker: a heading over its codes that no click or key
// applies; the number keys count only the codes that can be applied.
import { dragSelect } from "./coder_helpers";
import { expect, expectAccessible, signIn, test } from "./fixtures";
import type { Person } from "./harness";

test("a grouping code is a heading in the picker, never applied", async ({ page, context, icr, study }) => {
  // "Feelings" groups "Negative emotion" and "Positive emotion".
  await icr.cli(["code", "edit", study.project, "feelings", "--grouping"], study.lead.tokenFile);
  const alice = study.coders[0] as Person;
  await signIn(context, icr.baseUrl, alice);
  await page.goto(`/#/projects/${study.project}/rounds/${study.round}/documents/int-02`);
  await expect(page.getByRole("heading", { name: "Interview 2 — Unicode" })).toBeVisible();

  await dragSelect(page, "hat day", "Then");
  const heading = page.getByRole("option", { name: /^Feelings ?, a grouping code/ });
  await expect(heading).toHaveAttribute("aria-disabled", "true");
  await expect(heading.locator("kbd")).toHaveCount(0);
  // The first code in the tree is the grouping code; key 1 is the first
  // code under it that can be applied.
  await expect(page.locator(".code-option").first()).toContainText("Feelings");
  await expect(page.getByRole("option", { name: /Negative emotion/ }).locator("kbd")).toHaveText("1");
  await expectAccessible(page, "code picker with a grouping code");

  // Clicked anyway (Playwright would wait for an enabled element): nothing
  // is applied and the picker stays.
  await heading.click({ force: true });
  await expect(page.locator(".picker")).toBeVisible();
  await expect(page.locator(".coding-item")).toHaveCount(0);
  await page.locator(".code-list").focus();
  await page.keyboard.press("Home");
  await expect(page.locator(".criteria h3")).toContainText("Negative emotion");
  await page.keyboard.press("1");
  await expect(page.locator(".coding-item")).toHaveCount(1);

  const listed = await icr.cliJson<{ codings: { code: string }[] }>(
    ["coding", "list", study.project, study.round, "--document", "int-02"],
    alice.tokenFile,
  );
  expect(listed.codings.map((c) => c.code)).toEqual(["negative"]);
});
