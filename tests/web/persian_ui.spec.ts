// Issue 19: the interface in Persian. The language is chosen in the header
// (and kept), or taken from the browser's language; the Persian interface is
// laid out right to left, its numbers in Persian digits. Screenshots of the
// coder's view and the lead's project dashboard in Persian.
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";
import { dragAcross } from "./rtl_helpers";
import { createRtlStudy, rtlDocuments } from "./rtl_study";

test("a coder switches the interface to Persian from the header and codes a Persian interview in it", async ({
  page,
  context,
  icr,
  people,
}) => {
  const { project, round } = await createRtlStudy(icr, { lead: people.lead, coders: [people.alice, people.bob] });
  // Bob has already coded: the dashboard shows his progress.
  await signIn(context, icr.baseUrl, people.bob);
  const submitted = await context.request.post(`${icr.baseUrl}/v1/projects/${project}/rounds/${round}/codings`, {
    data: { codings: [{ document: "fa-01", code: "start", span: { start: "0", end: "14" } }], request_id: "web-bob-fa-1" },
    headers: { Origin: icr.baseUrl, "X-ICR-CSRF": "1" },
  });
  expect(submitted.status(), await submitted.text()).toBe(200);
  const done = await context.request.post(
    `${icr.baseUrl}/v1/projects/${project}/rounds/${round}/documents/fa-01/progress`,
    { data: { state: "DONE", request_id: "web-bob-fa-2" }, headers: { Origin: icr.baseUrl, "X-ICR-CSRF": "1" } },
  );
  expect(done.status(), await done.text()).toBe(200);

  await signIn(context, icr.baseUrl, people.alice);
  const doc = rtlDocuments.fa;
  await page.goto(`/#/projects/${project}/rounds/${round}/documents/${doc.id}`);
  await expect(page.getByRole("heading", { name: "Your codings" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");

  // The language control in the header, by keyboard.
  const language = page.getByRole("combobox", { name: "Language" });
  await language.focus();
  await language.selectOption("fa");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "fa");
  await expect(page.getByRole("heading", { name: "کدگذاری‌های شما" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "زبان" })).toHaveValue("fa");
  // Numbers in Persian digits: 3 lines, 3 segments.
  await expect(page.locator(".doc-head .muted")).toContainText("۳ بخش");
  // The page itself is laid out right to left: the text pane is on the right.
  const pane = await page.locator(".doc-pane").boundingBox();
  const side = await page.locator(".doc-side").boundingBox();
  expect(pane!.x).toBeGreaterThan(side!.x);

  // Coding in Persian: the picker, its criteria, the codings list.
  await dragAcross(page, 2, "با", "او");
  await expect(page.getByRole("heading", { name: "اعمال یک کد" })).toBeVisible();
  await page.getByRole("option", { name: /در دسترس بودن/ }).hover();
  await expect(page.locator(".criteria")).toContainText("اینکه منتور برای دانشجو وقت داشت یا نه.");
  await screenshot(page, "fa-coder-picker");
  await page.getByRole("option", { name: /در دسترس بودن/ }).click();
  await expect(page.locator(".coding-item")).toHaveCount(1);
  await expect(page.locator(".coding-item blockquote")).toHaveText("با iPhone 15 او");
  await page.locator(".doc-pane").focus();
  await page.keyboard.press("j");
  await page.keyboard.press("Control+Shift+ArrowLeft");
  await page.keyboard.press("Control+Shift+ArrowLeft");
  await page.keyboard.press("Enter");
  await page.getByRole("option", { name: /آغاز رابطه/ }).click();
  await expect(page.locator(".coding-item")).toHaveCount(2);
  await expectAccessible(page, "Persian document");
  await screenshot(page, "fa-coder-document");
  await page.getByRole("button", { name: "کار این سند تمام شد" }).click();
  await expect(page.locator(".doc-actions")).toContainText("انجام‌شده");

  // The choice is kept across a reload.
  await page.reload();
  await expect(page.getByRole("heading", { name: "کدگذاری‌های شما" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");

  // The lead's dashboard of the project, in Persian (the choice belongs to the browser).
  await signIn(context, icr.baseUrl, people.lead);
  await page.goto(`/#/projects/${project}`);
  await page.reload();
  await expect(page.locator(".who-name")).toHaveText("Lena Lead");
  await expect(page.getByRole("heading", { name: "دورها" })).toBeVisible();
  await expect(page).toHaveTitle(`پروژهٔ ${project} · icr`);
  await expect(page.locator(".round").first()).toContainText("۳ سند · ۲ کدگذار");
  await expect(page.locator(".progress-table")).toContainText("۱ از ۳ سند انجام شده");
  await expect(page.getByRole("link", { name: "کتاب کد" })).toBeVisible();
  await expectAccessible(page, "Persian project dashboard");
  await screenshot(page, "fa-lead-dashboard");
  await page.goto(`/#/projects/${project}/rounds/${round}`);
  await expect(page.getByRole("columnheader", { name: "نویسه‌ها" })).toBeVisible();
  await screenshot(page, "fa-lead-round");

  // The lead's live agreement in Persian: both coders are done with the Persian interview.
  await page.goto(`/#/projects/${project}/rounds/${round}/agreement`);
  await expect(page.getByRole("heading", { name: /توافق · دور آزمایشی/ })).toBeVisible();
  await expect(page.locator(".summary")).toContainText("۲ کدگذار");
  await expect(page.locator(".agreement-table")).toContainText("آغاز رابطه");
  await expectAccessible(page, "Persian agreement dashboard");
  await screenshot(page, "fa-lead-agreement");

  // Ending the coding with work left undone: the refusal in Persian, then the queue.
  await page.getByRole("button", { name: "پایان کدگذاری و آغاز توافق" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: "کدگذاری تمام نشده" });
  await expect(refusal).toBeVisible();
  await refusal.getByRole("button", { name: /پیش‌بردن با این حال/ }).click();
  await expect(page.locator(".round-control")).toContainText("در حال توافق");
  await page.goto(`/#/projects/${project}/rounds/${round}/disagreements`);
  await expect(page.getByRole("heading", { name: /اختلاف‌ها · دور آزمایشی/ })).toBeVisible();
  await expect(page.locator("article.current")).toContainText("در دسترس بودن");
  await expect(page.getByRole("button", { name: /^حل/ })).toBeVisible();
  await expectAccessible(page, "Persian disagreement queue");
  await screenshot(page, "fa-lead-disagreements");
  await page.getByRole("link", { name: "اجماع" }).click();
  await expect(page.getByRole("heading", { name: /^اجماع/ })).toBeVisible();
  await expect(page.locator(".summary")).toContainText("اختلاف هنوز حل نشده");
  await expect(page.getByRole("button", { name: "دریافت CSV" })).toBeVisible();
});

test.describe("a browser set to Persian", () => {
  test.use({ locale: "fa-IR" });
  test("opens the interface in Persian, right to left", async ({ page, context, icr, people }) => {
    await signIn(context, icr.baseUrl, people.alice);
    await page.goto("/#/projects");
    await expect(page.getByRole("heading", { name: "پروژه‌های شما" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    // And English is one choice away.
    await page.getByRole("combobox", { name: "زبان" }).selectOption("en");
    await expect(page.getByRole("heading", { name: "Your projects" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  });
});
