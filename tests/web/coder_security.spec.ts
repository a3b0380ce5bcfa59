// Issue test 6 (the coder's part): a session cookie acts only for its own
// user; a cross-origin or header-less POST with the cookie is refused and
// stores nothing; a sign-in link works once and leaves the address bar.
import { expect, signIn, test, watchOrigins } from "./fixtures";
import type { Person } from "./harness";

test("a session cookie of one coder cannot act for another, and cross-site posts are refused", async ({
  browser,
  icr,
  study,
}) => {
  const base = icr.baseUrl;
  const [alice, bob] = study.coders as [Person, Person];
  const codings = `${base}/v1/projects/${study.project}/rounds/${study.round}/codings`;
  const oneCoding = { codings: [{ document: "int-01", code: "avail", segment: "1" }] };

  // Bob codes (through the CLI); Alice signs in in her own browser context.
  await icr.cli(["coding", "done", study.project, study.round, "int-02"], bob.tokenFile);
  const context = await browser.newContext();
  await signIn(context, base, alice);
  const json = { "Content-Type": "application/json", "X-ICR-CSRF": "1", Origin: base };

  // Acting for Bob with Alice's session: submitting, marking done, reopening.
  const forBob = await context.request.post(codings, { headers: json, data: { ...oneCoding, on_behalf_of: bob.id } });
  expect(forBob.status(), await forBob.text()).toBe(403);
  const reopenBob = await context.request.post(
    `${base}/v1/projects/${study.project}/rounds/${study.round}/documents/int-02/progress`,
    { headers: json, data: { state: "IN_PROGRESS", on_behalf_of: bob.id } },
  );
  expect(reopenBob.status(), await reopenBob.text()).toBe(403);
  // Reading Bob's progress in the blind round: only Alice's own comes back.
  const progress = await context.request.get(`${base}/v1/projects/${study.project}/rounds/${study.round}/progress`);
  const tally = (await progress.json()) as { progress: { coder: string }[] };
  expect(new Set(tally.progress.map((p) => p.coder))).toEqual(new Set([alice.id]));

  // Cross-site: another Origin, or no CSRF header, is refused even with the cookie.
  const crossSite = await context.request.post(codings, {
    headers: { ...json, Origin: "http://evil.example" },
    data: oneCoding,
  });
  expect(crossSite.status()).toBe(403);
  expect(await crossSite.text()).toContain("cross-site");
  const noHeader = await context.request.post(codings, {
    headers: { "Content-Type": "application/json", Origin: base },
    data: oneCoding,
  });
  expect(noHeader.status()).toBe(403);
  // Nothing was stored by any of them, and Bob's document is still done.
  const stored = await icr.cliJson<{ codings: unknown[] }>(["coding", "list", study.project, study.round], study.lead.tokenFile);
  expect(stored.codings).toEqual([]);
  const bobs = await icr.cli(["coding", "progress", study.project, study.round, "--documents"], study.lead.tokenFile);
  expect(bobs).toMatch(/bob\s+int-02\s+done/i);

  // The app's own POST (same origin, with the header) is accepted.
  const own = await context.request.post(codings, { headers: json, data: oneCoding });
  expect(own.status(), await own.text()).toBe(200);

  // Signing out ends the session: the cookie no longer works.
  const out = await context.request.delete(`${base}/v1/sessions/current`, { headers: { "X-ICR-CSRF": "1", Origin: base } });
  expect(out.status()).toBe(200);
  expect((await context.request.get(`${base}/v1/users/me`)).status()).toBe(401);
  await context.close();
});

test("a sign-in link signs in once and is taken out of the address bar", async ({ browser, icr, study }) => {
  const carol = study.coders[2] as Person;
  const invite = await icr.cli(["user", "invite", carol.id, "--web_url", icr.baseUrl], study.lead.tokenFile);
  const link = /(http\S+#\/signin\/\S+)/.exec(invite)?.[1];
  expect(link, invite).toBeTruthy();

  const context = await browser.newContext();
  const page = await context.newPage();
  const foreign = watchOrigins(page, icr.baseUrl);
  await page.goto(link!);
  await expect(page.getByRole("heading", { name: "Your projects" })).toBeVisible();
  await expect(page.locator(".who-name")).toHaveText("Carol Chen");
  expect(page.url()).not.toContain("signin");
  expect(await page.evaluate(() => history.length)).toBeLessThanOrEqual(2);
  await page.getByRole("link", { name: "Peer mentoring interviews" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Peer mentoring interviews" })).toBeVisible();

  // The same link again, in a fresh browser: refused, in words.
  const again = await browser.newContext();
  const second = await again.newPage();
  await second.goto(link!);
  await expect(second.getByRole("alert")).toContainText("This sign-in link did not work");
  expect(second.url()).not.toContain(link!.split("#")[1]!);

  // Signing out from the header returns to the sign-in screen.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to icr" })).toBeVisible();
  expect(foreign).toEqual([]);
  await context.close();
  await again.close();
});
