// The lead reconciles a round in a real Chromium: ends coding (the refusal
// for unfinished work, then forced), resolves every disagreement by keyboard
// with a rationale (an empty one refused, by the page and by the server), and
// the consensus, on the page and as CSV, equals `icr consensus`.
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";
import { api, codeTheRound, open } from "./lead_helpers";

interface Listed { disagreements: Array<{ id: string; resolution?: { rationale: string } }> }

test("the lead resolves every disagreement with a rationale; the consensus equals icr consensus",
  async ({ page, context, study, icr }) => {
    await codeTheRound(icr, study);
    await signIn(context, icr.baseUrl, study.lead);
    const base = `/projects/${study.project}/rounds/${study.round}`;
    await open(page, `${base}/disagreements`, /Disagreements/);
    await expect(page.getByText(/open for coding: disagreements can be resolved once/)).toBeVisible();

    // Ending coding is refused in plain words while carol is still on int-02; then forced.
    await page.getByRole("button", { name: "End coding and start reconciling" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "Coding is not finished" });
    await expect(refusal).toContainText("1 coder–document pair is not marked done");
    await expect(refusal).toContainText("carol: int-02 (in progress)");
    await screenshot(page, "lead-advance-refused");
    await refusal.getByRole("button", { name: /Advance anyway/ }).click();
    await expect(page.locator(".round-control")).toContainText("Reconciling");

    const route = `/v1/projects/${study.project}/rounds/${study.round}/disagreements`;
    const listed = (await api<Listed>(icr, study.lead, "GET", route)).json.disagreements;
    const total = listed.length;
    expect(total).toBeGreaterThan(3);
    await expect(page.locator(".resolved-count")).toHaveText(`0 of ${total} resolved`);
    await expect(page.locator("blockquote.passage")).not.toBeEmpty();
    await screenshot(page, "lead-disagreements");
    await expectAccessible(page, "disagreement queue");

    // An empty rationale is refused by the page ...
    await page.locator("h1").click();
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    await expect(page.locator("#resolve-problem")).toContainText("Write a rationale");
    await expect(page.locator(".resolved-count")).toHaveText(`0 of ${total} resolved`);
    // ... and by the server, which stores nothing.
    const refused = await api<{ message: string }>(icr, study.lead, "POST",
      `${route}/${listed[0]!.id}:resolve`, { value: "none", rationale: "  " });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toMatch(/rationale/);
    expect((await api<Listed>(icr, study.lead, "GET", route)).json.disagreements.every((d) => !d.resolution)).toBe(true);

    // Every disagreement by keyboard: a decision key, the rationale, Ctrl+Enter.
    for (let k = 1; k <= total; k++) {
      const current = page.locator("article.current");
      const id = await current.getAttribute("data-id");
      await page.locator("h1").click();
      await page.keyboard.press(k % 2 === 0 ? "2" : "1");
      await page.locator("#rationale").fill(`Decision ${k}: the codebook's definition settles it.`);
      await page.keyboard.press("Control+Enter");
      await expect(page.locator(".resolved-count")).toHaveText(`${k} of ${total} resolved`);
      if (k < total) await expect(current).not.toHaveAttribute("data-id", id!);
    }
    const resolved = (await api<Listed>(icr, study.lead, "GET", route)).json.disagreements;
    expect(resolved.every((d) => d.resolution && d.resolution.rationale.startsWith("Decision "))).toBe(true);
    // n and p move through the queue.
    const first = await page.locator("article.current").getAttribute("data-id");
    await page.locator("h1").click();
    await page.keyboard.press("n");
    await expect(page.locator("article.current")).not.toHaveAttribute("data-id", first!);
    await page.keyboard.press("p");
    await expect(page.locator("article.current")).toHaveAttribute("data-id", first!);
    // Names hidden on request.
    await page.getByLabel("Hide coders' names").check();
    await expect(page.locator(".coders-side")).not.toContainText("alice");
    await expect(page.locator(".coders-side")).toContainText("Coder 1");

    await open(page, `${base}/consensus`, /Consensus/);
    await expect(page.getByText("Every disagreement is resolved.")).toBeVisible();
    const cliCsv = await icr.cli(["consensus", study.project, study.round, "--output", "csv"], study.lead.tokenFile);
    const rows = await page.locator(".consensus-table tbody tr").count();
    expect(rows).toBe(cliCsv.trim().split("\n").length - 1);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV" }).click();
    const file = await (await download).path();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(file!, "utf8")).toBe(cliCsv);
    await screenshot(page, "lead-consensus");
    await expectAccessible(page, "consensus");
  });
