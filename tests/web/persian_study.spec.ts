// Issue 19, done: a Persian study run end to end in the Persian interface. The
// lead writes a Persian codebook, uploads a Persian interview, adds the team
// and starts a round; three coders code it, by mouse and by keyboard, and
// mark it done; the lead reads the agreement and resolves the disagreements
// with Persian rationales; a reviewer opens the report and the audit trail
// and verifies the trail. Every screen shows Persian labels and none left
// in English, the stored data is exactly what was typed and chosen, and each
// screen passes axe-core; screenshots of the lead's and reviewer's screens.
import type { BrowserContext, Page } from "@playwright/test";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";
import type { Person } from "./harness";
import { api, changeOneByte, type ExportedTrail } from "./lead_helpers";
import { dragAcross } from "./rtl_helpers";
import { documentText, rtlDocuments } from "./rtl_study";

const codes = [
  { id: "start", name: "آغاز رابطه", definition: "نخستین دیدار با منتور و آغاز دوره." },
  { id: "avail", name: "در دسترس بودن", definition: "اینکه منتور برای دانشجو وقت داشت یا نه، حتی بیرون از ساعت کلاس." },
  { id: "positive", name: "احساس مثبت", definition: "شادی، آسودگی، قدردانی یا اعتماد." },
];
const interview = rtlDocuments.fa;
const text = documentText(interview);

// Words that are names, not interface text: people's and things' ids, formats, standards.
const NAMES = new Set(["icr", "UTC", "CSV", "JSON", "HTML", "LaTeX", "Markdown", "PEM", "Ed25519", "RFC", "API", "AC1",
  "Enter", "Shift", "Control", "Escape", "txt", "docx", "odt", "rtf", "html", "md", "pdf", "vtt", "srt", "jsonl"]);

/**
 * The Latin words in the screen's labels — headings, labels, buttons, column
 * and row headers of the interface, legends, summaries, captions, term names,
 * links and their aria-label, title and placeholder — apart from names and
 * `data` (ids typed in the test). Data shown inside <bdi>, <code>, <kbd>,
 * hashes and the server's own English text (marked lang="en") are not labels.
 */
async function englishLabels(page: Page, data: string[]): Promise<string[]> {
  const words = await page.evaluate(() => {
    const found: string[] = [];
    const skip = "select, option, code, kbd, bdi, .hash, [lang='en'], .doc-text, th[scope='row'], .who-name";
    const selector = "main h1, main h2, main h3, main label, main button, main th, main legend, main summary, main dt, main caption, main a, header nav a";
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      if (el.closest(skip)) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement?.closest(skip)) found.push(node.textContent ?? "");
      }
    }
    for (const el of document.querySelectorAll<HTMLElement>("[aria-label], [title], [placeholder]")) {
      if (el.closest(".doc-text, [lang='en']")) continue;
      for (const name of ["aria-label", "title", "placeholder"]) found.push(el.getAttribute(name) ?? "");
    }
    return found.join(" ").match(/[A-Za-z][A-Za-z0-9'’]+/g) ?? [];
  });
  const allowed = new Set([...NAMES, ...data.flatMap((d) => d.split(/[^A-Za-z0-9]+/))]);
  return [...new Set(words.filter((w) => !allowed.has(w) && !/^[A-Za-z]\d*$/.test(w)))];
}

async function persianScreen(page: Page, name: string, data: string[]): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  expect(await englishLabels(page, data), `English left on the ${name} screen`).toEqual([]);
  await expectAccessible(page, `Persian ${name}`);
}

/** A screenshot of the screen from its top (the header and the heading in view). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function markDone(page: Page): Promise<void> {
  await page.getByRole("button", { name: "کار این سند تمام شد" }).click();
  await expect(page.locator(".doc-actions")).toContainText("انجام‌شده");
}

/** From the text, by keyboard: `keys`, then Enter and the code in the picker. */
async function codeByKeys(page: Page, keys: string[], code: string): Promise<void> {
  await page.locator(".doc-pane").focus();
  for (const key of keys) await page.keyboard.press(key);
  await page.keyboard.press("Enter");
  await pick(page, code);
}

/** Signs the browser in as `person` and opens `route`, loading the app again (a new session is a new user). */
async function openAs(page: Page, context: BrowserContext, baseUrl: string, person: Person, route: string): Promise<void> {
  await signIn(context, baseUrl, person);
  await page.goto(route);
  await page.reload();
}

/** Chooses `code` in the open picker and waits until it has closed, so the next keys reach the text. */
async function pick(page: Page, code: string): Promise<void> {
  const picker = page.getByRole("heading", { name: "اعمال یک کد" });
  await expect(picker).toBeVisible();
  await page.getByRole("option", { name: new RegExp(code) }).click();
  await expect(picker).toBeHidden();
}

test("a Persian study, from the codebook to the verified report, in the Persian interface", async ({ page, context, icr, people }) => {
  test.setTimeout(180_000);
  const project = "fa-study";
  const reviewer = await icr.createUser("rana", "رعنا رضایی");
  await icr.cli(["project", "create", project, "--title", "منتورینگ همتا", "--description", "مصاحبه با دانشجویان پزشکی."]);
  await icr.cli(["member", "add", project, people.lead.id, "--role", "owner"]);
  const coders: Person[] = [people.alice, people.bob, people.carol];
  const data = [project, "fa-01", "r1", people.lead.id, reviewer.id, ...coders.map((c) => c.id), ...codes.map((c) => c.id)];
  const base = `/#/projects/${project}`;

  // The lead chooses Persian in the header; the choice stays with this browser.
  await signIn(context, icr.baseUrl, people.lead);
  await page.goto(`${base}/codebook`);
  await page.getByRole("combobox", { name: "Language" }).selectOption("fa");
  await expect(page.getByRole("heading", { level: 1, name: "کتاب کد" })).toBeVisible();

  // The codebook: three codes with Persian names and definitions, typed in the form.
  for (const code of codes) {
    await page.getByLabel("شناسه (کوتاه، بی‌فاصله)").fill(code.id);
    await page.locator("#new-name").fill(code.name);
    await page.locator("#new-definition").fill(code.definition);
    await page.getByRole("button", { name: "افزودن کد" }).click();
    await expect(page.getByRole("list", { name: "کتاب کد" }).locator(`li[data-code='${code.id}']`)).toContainText(code.name);
  }
  await expect(page.locator(".lead-screen > .muted")).toContainText("۳ کد · نسخهٔ ۳ کتاب کد");
  await expect(page.getByRole("button", { name: `ویرایش ${codes[1]!.name}` })).toBeVisible();
  await page.getByRole("button", { name: `جابه‌جایی ${codes[2]!.name}` }).click();
  // The code's name isolated inside the Persian quotes.
  await expect(page.locator(`label[for='move-${codes[2]!.id}']`)).toHaveText(`جابه‌جایی «\u2068${codes[2]!.name}\u2069» به زیرِ`);
  await shot(page, "fa-lead-codebook");
  await persianScreen(page, "codebook", data);
  await page.getByRole("button", { name: "انصراف" }).click();
  const stored = (await api<{ codes: Array<{ id: string; name: string; definition: string }> }>(
    icr, people.lead, "GET", `/v1/projects/${project}/codes`)).json.codes;
  expect(stored.map(({ id, name, definition }) => ({ id, name, definition })).sort((a, b) => a.id.localeCompare(b.id)))
    .toEqual([...codes].sort((a, b) => a.id.localeCompare(b.id)));

  // The interview, uploaded as a UTF-8 file named in Persian, cut into lines.
  await page.goto(`${base}/documents`);
  await expect(page.getByRole("heading", { level: 1, name: "سندها" })).toBeVisible();
  await expect(page.getByText("هنوز سندی نیست.")).toBeVisible();
  await page.getByLabel(/^پرونده/).setInputFiles({ name: "مصاحبه ۱.txt", mimeType: "text/plain", buffer: Buffer.from(text, "utf8") });
  await expect(page.getByLabel("عنوان")).toHaveValue("مصاحبه ۱");
  await page.getByLabel("شناسه", { exact: true }).fill("fa-01");
  await page.getByLabel("واحدهای تحلیل").selectOption("SEGMENT_LINE");
  await page.getByRole("button", { name: "بارگذاری", exact: true }).click();
  const row = page.locator(".documents-table tbody tr");
  await expect(row).toHaveCount(1);
  const characters = [...text].length.toLocaleString("fa");
  await expect(row).toContainText(characters);
  await expect(row.locator("td").nth(2)).toHaveText("۳");
  await expect(row).toContainText("سطر");
  await shot(page, "fa-lead-documents");
  await persianScreen(page, "documents", data);
  const doc = (await api<{ document: { text: string; segments: unknown[] } }>(
    icr, people.lead, "GET", `/v1/projects/${project}/documents/fa-01?include_text=true`)).json.document;
  expect(doc.text).toBe(text);
  expect(doc.segments).toHaveLength(3);

  // The team: three coders and a reviewer, added in the members form.
  await page.goto(`${base}/members`);
  await expect(page.getByRole("heading", { level: 1, name: "اعضا و نقش‌ها" })).toBeVisible();
  for (const [who, role] of [...coders.map((c) => [c.id, "CODER"]), [reviewer.id, "REVIEWER"]] as const) {
    await page.getByLabel("شناسهٔ کاربر").fill(who);
    await page.getByLabel("نقش", { exact: true }).selectOption(role);
    await page.getByRole("button", { name: "ذخیره" }).click();
    await expect(page.locator(".notice")).toContainText(`اکنون ${role === "CODER" ? "کدگذار" : "بازبین"} ${project} است.`);
  }
  for (const who of [...coders, reviewer]) await expect(page.locator(".members-table tbody")).toContainText(who.id);
  await expect(page.locator(".members-table tbody tr").filter({ hasText: reviewer.id })).toContainText("بازبین");
  await shot(page, "fa-lead-members");
  await persianScreen(page, "members", data);

  // The round: the interview, the three coders, blind.
  await page.goto(`${base}/new-round`);
  await expect(page.getByRole("heading", { level: 1, name: "دور تازه" })).toBeVisible();
  await page.getByLabel("شناسه", { exact: true }).fill("r1");
  await page.getByLabel("عنوان").fill("دور نخست");
  await page.getByRole("group", { name: /^سندها/ }).getByLabel("همه").check();
  await page.getByRole("group", { name: /^کدگذاران/ }).getByLabel("همه").check();
  await expect(page.getByRole("group", { name: /^کدگذاران/ })).toContainText("(۳ از ۳)");
  await shot(page, "fa-lead-new-round");
  await persianScreen(page, "new round", data);
  await page.getByRole("button", { name: "ساختن دور" }).click();
  await expect(page.getByRole("heading", { name: "دورها" })).toBeVisible();
  await expect(page.locator(".round").first()).toContainText("۱ سند · ۳ کدگذار");

  // The coders. Alice by mouse: the first meeting, and the mentor's availability.
  const openDocumentAs = async (coder: Person) => {
    await openAs(page, context, icr.baseUrl, coder, `${base}/rounds/r1/documents/fa-01`);
    await expect(page.getByRole("heading", { name: "کدگذاری‌های شما" })).toBeVisible();
    await expect(page.locator('.doc-text .ln[data-b="0"]')).toBeVisible();
  };
  await openDocumentAs(people.alice);
  await dragAcross(page, 1, "من", "۱۴۰۲");
  await pick(page, codes[0]!.name);
  await dragAcross(page, 2, "با", "او");
  await pick(page, codes[1]!.name);
  await expect(page.locator(".coding-item")).toHaveCount(2);
  await markDone(page);

  // Bob by keyboard: a whole line chosen with Shift+Down and one character back (the
  // line below reads right to left, so that is Shift+Right), then a segment with Enter.
  await openDocumentAs(people.bob);
  await codeByKeys(page, ["j", "Shift+ArrowDown", "Shift+ArrowRight"], codes[0]!.name);
  await codeByKeys(page, ["j"], codes[1]!.name);
  await markDone(page);

  // Carol by keyboard too: two words by Ctrl+Shift+arrow, and the second line felt positive, not availability.
  await openDocumentAs(people.carol);
  await codeByKeys(page, ["j", "Control+Shift+ArrowLeft", "Control+Shift+ArrowLeft"], codes[0]!.name);
  await codeByKeys(page, ["j"], codes[2]!.name);
  await markDone(page);

  // What each coder stored: the passages highlighted, in code points.
  const listed = (await api<{ codings: Array<{ coder: string; code: string; segment?: string; span?: { start: string; end: string } }> }>(
    icr, people.lead, "GET", `/v1/projects/${project}/rounds/r1/codings?page_size=100`)).json.codings;
  const points = [...text];
  const shown = listed.map((c) => [c.coder, c.code, c.span ? points.slice(Number(c.span.start), Number(c.span.end)).join("") : `segment ${c.segment}`]);
  const coded = (c: string) => shown.filter(([coder]) => coder === c).map(([, code, what]) => `${code}: ${what}`).sort();
  expect(coded("alice")).toEqual(["avail: با iPhone 15 او", "start: من در سال ۱۴۰۲"]);
  expect(coded("bob")).toEqual(["avail: segment 1", `start: ${interview.lines[0]}`]);
  expect(coded("carol")).toEqual(["positive: segment 1", "start: من در"]);

  // The lead: agreement in Persian, coding ended, the disagreements resolved with Persian rationales.
  await openAs(page, context, icr.baseUrl, people.lead, `${base}/rounds/r1/agreement`);
  await expect(page.getByRole("heading", { level: 1, name: /توافق · دور نخست/ })).toBeVisible();
  await expect(page.locator(".summary")).toContainText("۳ کدگذار");
  await expect(page.locator(".summary")).toContainText("۳ از ۳ جفت کدگذار–سند شمرده شد");
  for (const code of codes) await expect(page.locator(".agreement-table")).toContainText(code.name);
  await expect(page.locator(".agreement-table").getByRole("columnheader", { name: "آلفای کریپندورف" })).toBeVisible();
  await page.getByRole("button", { name: "پایان کدگذاری و آغاز توافق" }).click();
  await expect(page.locator(".round-control")).toContainText("در حال توافق");
  await persianScreen(page, "agreement", data);
  await page.goto(`${base}/rounds/r1/disagreements`);
  await expect(page.getByRole("heading", { level: 1, name: /اختلاف‌ها · دور نخست/ })).toBeVisible();
  await expect(page.locator(".resolved-count")).toHaveText("۰ از ۲ حل شده");
  const rationales = new Map<string, string>();
  for (let k = 1; k <= 2; k++) {
    const current = page.locator("article.current");
    const isAvail = (await current.innerText()).includes(codes[1]!.name);
    const decision = isAvail ? `${codes[1]!.name} به کار می‌رود` : "هیچ (کدگذاری نشده)";
    const rationale = isAvail
      ? "مصاحبه‌شونده می‌گوید حتی ساعت ۱۱ شب به منتور پیام می‌داد: در دسترس بودن."
      : "شکلک به‌تنهایی احساس مثبت را نشان نمی‌دهد؛ طبق تعریف کد.";
    rationales.set(isAvail ? "avail" : "positive", rationale);
    await current.getByRole("radio", { name: decision }).check();
    await page.getByLabel("دلیل (لازم؛ در ردّ ممیزی ثبت می‌شود)").fill(rationale);
    if (k === 2) {
      await shot(page, "fa-lead-resolve");
      await persianScreen(page, "disagreement queue", data);
    }
    await page.getByRole("button", { name: /^حل/ }).click();
    await expect(page.locator(".resolved-count")).toHaveText(`${k.toLocaleString("fa")} از ۲ حل شده`);
  }
  const disagreements = (await api<{ disagreements: Array<{ code: string; resolution?: { value: string; rationale: string } }> }>(
    icr, people.lead, "GET", `/v1/projects/${project}/rounds/r1/disagreements`)).json.disagreements;
  expect(disagreements.map((d) => [d.code, d.resolution?.rationale]).sort())
    .toEqual([["avail", rationales.get("avail")], ["positive", rationales.get("positive")]]);
  await page.getByRole("link", { name: "اجماع" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^اجماع/ })).toBeVisible();
  await expect(page.getByText("همهٔ اختلاف‌ها حل شده‌اند.")).toBeVisible();
  await expect(page.locator(".consensus-table")).toContainText(rationales.get("avail")!);
  await shot(page, "fa-lead-consensus");
  await persianScreen(page, "consensus", data);

  // The reviewer: the report, its head verified, the trail checked against it.
  await openAs(page, context, icr.baseUrl, reviewer, `${base}/report`);
  await expect(page.getByRole("heading", { level: 1, name: "گزارش اعتمادپذیری" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "دور دور نخست" })).toBeVisible();
  await expect(page.locator(".report-agreement")).toContainText(codes[1]!.name);
  await expect(page.locator(".report-body")).toContainText("۲ اختلاف، ۲ حل‌شده.");
  await page.getByRole("button", { name: "وارسی امضای سر" }).click();
  await expect(page.locator(".head-result")).toContainText("امضاشده با کلید سرور");
  await page.getByRole("button", { name: "سنجیدن ردّ ممیزی با این سر" }).click();
  await expect(page.locator(".verification[data-ok='true']")).toContainText(/تأیید شد: [۰-۹]+ رویداد پروژهٔ fa-study/);
  await expect(page.locator("[data-check='kept']")).toContainText("درست");
  await page.locator("details").filter({ hasText: "تصمیم‌ها" }).first().locator("summary").click();
  await expect(page.locator(".report-body")).toContainText(rationales.get("avail")!);
  await shot(page, "fa-reviewer-report");
  await persianScreen(page, "report", data);

  // The audit trail: the rationale is in it; filtered by the lead's resolutions.
  await page.goto(`${base}/audit`);
  await expect(page.getByRole("heading", { level: 1, name: "ردّ ممیزی" })).toBeVisible();
  await expect(page.locator("table.events tbody tr").first()).toBeVisible();
  await page.getByLabel("کننده").selectOption(people.lead.id);
  await expect(page.getByRole("status").filter({ hasText: "با پالایش‌ها جور است" })).toBeVisible();
  await page.getByRole("button", { name: "وارسی امضا در همین مرورگر" }).click();
  await expect(page.getByText("امضا برای این کلید معتبر است.")).toBeVisible();
  await shot(page, "fa-reviewer-audit");
  await persianScreen(page, "audit trail", data);

  // And the whole trail verified in the browser.
  await page.goto(`${base}/verify`);
  await expect(page.getByRole("heading", { level: 1, name: "وارسی ردّ ممیزی" })).toBeVisible();
  await page.getByRole("button", { name: "وارسی برون‌بُرد سرور" }).click();
  await expect(page.locator(".verification")).toHaveAttribute("data-ok", "true");
  for (const check of ["chain", "merkle", "signature"]) await expect(page.locator(`[data-check='${check}']`)).toContainText("درست");
  await shot(page, "fa-reviewer-verify");
  await persianScreen(page, "verification", data);

  // A copy with one byte of one coder's submission changed: refused in Persian,
  // naming that event by its number in Persian digits, its method and time left to right.
  const exported = (await api<ExportedTrail>(icr, reviewer, "GET", `/v1/projects/${project}/events:export`)).json;
  const target = exported.flatMap((m) => m.events ?? []).find((e) => e.event.method.endsWith("/SubmitCodings"))!;
  changeOneByte(target);
  const changedFile = "ردّ-تغییریافته.json";
  await page.locator("#export-file").setInputFiles({ name: changedFile, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(exported)) });
  await expect(page.locator(".verification")).toHaveAttribute("data-ok", "false");
  const seq = new Intl.NumberFormat("fa").format(Number(target.seq));
  await expect(page.locator(".verification .verdict")).toContainText(
    new RegExp(`تأیید نشد: رویداد ${seq} \\(SubmitCodings از ${target.event.actor}، \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\) با هش خود نمی‌خواند`));
  await expect(page.locator("[data-check='chain']")).toContainText("نادرست");
  // The sentences are Persian: Latin only in the left-to-right runs (method, time, hashes) and ids.
  const sentences = await page.locator(".verification").evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const run of copy.querySelectorAll(".ltr-run, .hash")) run.remove();
    return copy.textContent ?? "";
  });
  const latin = (sentences.match(/[A-Za-z][A-Za-z0-9_]+/g) ?? []).filter((w) => !data.includes(w) && !["Ed25519", "RFC"].includes(w));
  expect(latin, "English left in the verification's sentences").toEqual([]);
  await shot(page, "fa-reviewer-verify-refused");
  await persianScreen(page, "verification, refused", [...data, changedFile]);
});
