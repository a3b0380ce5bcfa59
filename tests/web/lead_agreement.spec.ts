// The lead's live agreement dashboard in a real Chromium against a real
// icr-server: its numbers equal `icr agreement --output json` on the same
// round, and a coder's new coding shows within 1 s, without a reload.
import { expect, expectAccessible, screenshot, signIn, test, watchOrigins } from "./fixtures";
import { codeTheRound, open, submit } from "./lead_helpers";

interface CliCoefficient { name: string; value: number | null }
interface CliRow { row: string; coefficients: CliCoefficient[] }
interface CliAgreement { version: number; rows: CliRow[]; overall: CliRow; pairwise: Array<{ coder_a: string; coder_b: string; cohen_kappa: number | null }> }

const SHOWN = ["krippendorff_alpha", "fleiss_kappa", "percent_agreement"];

/** Every value of the page's table, by row key and coefficient. */
async function pageValues(page: import("@playwright/test").Page): Promise<Record<string, Record<string, string>>> {
  return page.locator(".agreement-table tbody tr").evaluateAll((rows) => Object.fromEntries(rows.map((row) => [
    (row as HTMLElement).dataset.row!,
    Object.fromEntries([...row.querySelectorAll<HTMLElement>("td[data-coefficient]")].map((cell) =>
      [cell.dataset.coefficient!, cell.dataset.value!])),
  ])));
}

function expectSameNumbers(shown: Record<string, Record<string, string>>, cli: CliAgreement): void {
  const rows = [...cli.rows, { ...cli.overall, row: "overall" }];
  expect(Object.keys(shown).sort()).toEqual(rows.map((r) => r.row).sort());
  for (const row of rows) {
    for (const name of SHOWN) {
      const expected = row.coefficients.find((c) => c.name === name)?.value ?? null;
      const got = shown[row.row]![name]!;
      if (expected === null) expect(got, `${row.row} ${name}`).toBe("");
      else expect(Number(got), `${row.row} ${name}`).toBeCloseTo(expected, 12);
    }
  }
}

test("the dashboard equals icr agreement and shows a coder's new coding within 1 s without a reload",
  async ({ page, context, study, icr }) => {
    await codeTheRound(icr, study);
    const foreign = watchOrigins(page, icr.baseUrl);
    await signIn(context, icr.baseUrl, study.lead);
    await open(page, `/projects/${study.project}/rounds/${study.round}/agreement`, /Agreement/);
    const summary = page.locator(".summary[data-version]");
    await expect(summary).toBeVisible();
    // Only finished documents count, as in the CLI's default.
    const cliArgs = ["agreement", study.project, study.round, "--coefficients", SHOWN.join(",")];
    expectSameNumbers(await pageValues(page), await icr.cliJson<CliAgreement>(cliArgs, study.lead.tokenFile));
    await expect(page.locator(".agreement-table tr[data-row='avail'] td[data-coefficient='krippendorff_alpha'] .band"))
      .toHaveText(/reliable|tentative|unreliable/);

    // Counting carol's unfinished int-02 too, then carol codes one more passage of it.
    await page.getByLabel(/Count documents still in progress/).check();
    const withUnfinished = [...cliArgs, "--include_unfinished"];
    await expect.poll(async () => JSON.stringify(await pageValues(page)))
      .not.toBe("");
    await expect(summary).toHaveText(/Counted 6 of 6/);
    expectSameNumbers(await pageValues(page), await icr.cliJson<CliAgreement>(withUnfinished, study.lead.tokenFile));
    const before = await summary.getAttribute("data-version");
    const valuesBefore = JSON.stringify(await pageValues(page));
    await page.waitForTimeout(700); // the event stream is open
    // The page notes when the table's version changes (Playwright's own polling would add its delay).
    await page.evaluate(() => {
      const w = window as unknown as { versionChangedAt?: number };
      const summary = document.querySelector(".summary[data-version]")!;
      new MutationObserver(() => { w.versionChangedAt ??= performance.now(); })
        .observe(summary, { attributes: true, attributeFilter: ["data-version"] });
    });
    const carol = study.coders[2]!;
    const pageBefore = await page.evaluate(() => performance.now());
    await submit(icr, study, carol, [["int-02", 3, "reassure"]]);
    const pageSubmitted = await page.evaluate(() => performance.now());
    await expect(summary).not.toHaveAttribute("data-version", before!, { timeout: 3000 });
    const changedAt = await page.evaluate(() => (window as unknown as { versionChangedAt: number }).versionChangedAt);
    // From the moment the write was acknowledged (at the latest) to the new table on screen.
    const elapsed = Math.round(changedAt - pageSubmitted);
    console.log(`dashboard updated ${elapsed} ms after carol's coding was stored ` +
      `(${Math.round(changedAt - pageBefore)} ms after the request was sent)`);
    expect(elapsed).toBeLessThan(1000);
    expect(JSON.stringify(await pageValues(page))).not.toBe(valuesBefore);
    expectSameNumbers(await pageValues(page), await icr.cliJson<CliAgreement>(withUnfinished, study.lead.tokenFile));
    await expect(page.locator("[aria-live]").first()).toContainText(/Agreement updated/);

    // The coder-pair matrix carries each pair's kappa as a number.
    const cli = await icr.cliJson<CliAgreement>(withUnfinished, study.lead.tokenFile);
    for (const pair of cli.pairwise) {
      const cell = page.locator(`td[data-pair='${pair.coder_a}|${pair.coder_b}']`);
      await expect(cell).toHaveText(pair.cohen_kappa === null ? "undefined" : pair.cohen_kappa.toFixed(3));
    }
    await expect(page.getByRole("img", { name: /per code, with the .667 and .800 lines/ })).toBeVisible();
    await expect(page.locator("table.per-document tr[data-document='int-01']")).toBeVisible();
    await screenshot(page, "lead-agreement");
    await expectAccessible(page, "lead agreement");
    expect(foreign).toEqual([]);
  });

test("the roll-up level and the coefficients are the lead's choice, by keyboard", async ({ page, context, study, icr }) => {
  await codeTheRound(icr, study);
  await signIn(context, icr.baseUrl, study.lead);
  await open(page, `/projects/${study.project}/rounds/${study.round}/agreement`, /Agreement/);
  await expect(page.locator(".agreement-table tr[data-row='avail']")).toBeVisible();
  // Level 1 counts every code as its top-level theme: support, feelings, growth.
  await page.getByLabel("Roll-up level").focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.locator(".agreement-table tr[data-row='support']")).toBeVisible();
  await expect(page.locator(".agreement-table tr[data-row='avail']")).toHaveCount(0);
  const cli = await icr.cliJson<CliAgreement>(["agreement", study.project, study.round, "--rollup", "1",
    "--coefficients", SHOWN.join(",")], study.lead.tokenFile);
  expectSameNumbers(await pageValues(page), cli);
  // Gwet's AC1 added from the keyboard: a new column.
  await page.getByLabel("Gwet's AC1").focus();
  await page.keyboard.press("Space");
  await expect(page.locator(".agreement-table td[data-coefficient='gwet_ac1']").first()).toBeVisible();
});
