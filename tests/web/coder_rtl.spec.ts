// Issue 19: right-to-left transcripts. In a Persian interview (an English
// word, Persian and Latin digits, ZWNJ, an emoji), an Arabic one with
// diacritics and a Hebrew one with points, passages chosen by mouse and by
// keyboard at the start, in the middle across a change of direction, at a
// line's end after an emoji and at the text's end are stored as exactly the
// code points highlighted, and drawn on exactly those characters after a
// reload.
import type { Page } from "@playwright/test";
import { expect, screenshot, signIn, test } from "./fixtures";
import { dragAcross, drawnByCode, edgePoint } from "./rtl_helpers";
import { createRtlStudy, documentText, persianCodebook, rtlDocuments } from "./rtl_study";

const codeName = (id: string) => persianCodebook.find((c) => c.id === id)!.name;

interface Choice {
  code: string;
  line: number;
  /** By mouse: a drag from `from`'s start to `to`'s end, and the passage stored (snapped to words). */
  from: string;
  to: string;
  byMouse: string;
  /** By keyboard: where the caret starts, the keys, and the passage stored (exactly what the keys chose). */
  caret: { segment: true } | { before: string } | { after: string };
  keys: string[];
  byKeyboard: string;
}

const words = (n: number, key = "Control+Shift+ArrowLeft") => Array<string>(n).fill(key);

const cases: Record<keyof typeof rtlDocuments, Choice[]> = {
  fa: [
    { code: "start", line: 1, from: "من", to: "۱۴۰۲", byMouse: "من در سال ۱۴۰۲", caret: { segment: true }, keys: words(4), byKeyboard: "من در سال ۱۴۰۲" },
    { code: "avail", line: 2, from: "با", to: "او", byMouse: "با iPhone 15 او", caret: { before: "با" }, keys: words(4), byKeyboard: "با iPhone 15 او" },
    { code: "positive", line: 2, from: "ساعت", to: "🙂", byMouse: "ساعت 11 شب 🙂", caret: { before: "ساعت" }, keys: ["Shift+End"], byKeyboard: "ساعت 11 شب 🙂" },
    { code: "growth", line: 3, from: "سال", to: "هستم.", byMouse: "سال اول هستم", caret: { after: "هستم." }, keys: words(3, "Control+Shift+ArrowRight"), byKeyboard: "سال اول هستم." },
  ],
  ar: [
    { code: "start", line: 1, from: "السَّلَامُ", to: "عَلَيْكُمْ", byMouse: "السَّلَامُ عَلَيْكُمْ", caret: { segment: true }, keys: words(2), byKeyboard: "السَّلَامُ عَلَيْكُمْ" },
    { code: "avail", line: 2, from: "عَلَى", to: "كُلَّ", byMouse: "عَلَى WhatsApp كُلَّ", caret: { before: "عَلَى" }, keys: words(3), byKeyboard: "عَلَى WhatsApp كُلَّ" },
    { code: "positive", line: 2, from: "السَّاعَةِ", to: "🙂", byMouse: "السَّاعَةِ 9 صَبَاحًا 🙂", caret: { before: "السَّاعَةِ" }, keys: ["Shift+End"], byKeyboard: "السَّاعَةِ 9 صَبَاحًا 🙂" },
    { code: "growth", line: 3, from: "السَّنَةِ", to: "الْأُولَى.", byMouse: "السَّنَةِ الْأُولَى", caret: { after: "الْأُولَى." }, keys: words(2, "Control+Shift+ArrowRight"), byKeyboard: "السَّنَةِ الْأُولَى." },
  ],
  he: [
    { code: "start", line: 1, from: "שָׁלוֹם", to: "פָּגַשְׁתִּי", byMouse: "שָׁלוֹם, פָּגַשְׁתִּי", caret: { segment: true }, keys: words(2), byKeyboard: "שָׁלוֹם, פָּגַשְׁתִּי" },
    { code: "avail", line: 2, from: "הוֹדָעוֹת", to: "כָּל", byMouse: "הוֹדָעוֹת בְּ-Telegram כָּל", caret: { before: "הוֹדָעוֹת" }, keys: words(4), byKeyboard: "הוֹדָעוֹת בְּ-Telegram כָּל" },
    { code: "positive", line: 2, from: "בְּשָׁעָה", to: "🙂", byMouse: "בְּשָׁעָה 7 🙂", caret: { before: "בְּשָׁעָה" }, keys: ["Shift+End"], byKeyboard: "בְּשָׁעָה 7 🙂" },
    { code: "growth", line: 3, from: "בַּשָּׁנָה", to: "הָרִאשׁוֹנָה.", byMouse: "בַּשָּׁנָה הָרִאשׁוֹנָה", caret: { after: "הָרִאשׁוֹנָה." }, keys: words(2, "Control+Shift+ArrowRight"), byKeyboard: "בַּשָּׁנָה הָרִאשׁוֹנָה." },
  ],
};

async function applyCode(page: Page, code: string, count: number): Promise<void> {
  await page.getByRole("option", { name: new RegExp(codeName(code)) }).click();
  await expect(page.locator(".coding-item")).toHaveCount(count);
}

/** The coder's stored passages by code, cut from the text by the stored code-point offsets. */
async function storedPassages(page: Page, baseUrl: string, project: string, round: string, document: string, text: string) {
  const answer = await page.request.get(`${baseUrl}/v1/projects/${project}/rounds/${round}/codings?document=${document}`);
  expect(answer.status()).toBe(200);
  const codings = ((await answer.json()) as { codings: { code: string; span?: { start: string; end: string } }[] }).codings;
  const points = [...text];
  return Object.fromEntries(
    codings.map((c) => [c.code, points.slice(Number(c.span!.start), Number(c.span!.end)).join("")]),
  );
}

for (const method of ["mouse", "keyboard"] as const) {
  for (const lang of ["fa", "ar", "he"] as const) {
    test(`${lang}: passages chosen by ${method} are stored and drawn as highlighted`, async ({ page, context, icr, people }) => {
      const coder = method === "mouse" ? people.alice : people.bob;
      const { project, round } = await createRtlStudy(icr, { lead: people.lead, coders: [people.alice, people.bob] });
      const doc = rtlDocuments[lang];
      const text = documentText(doc);
      await signIn(context, icr.baseUrl, coder);
      await page.goto(`/#/projects/${project}/rounds/${round}/documents/${doc.id}`);
      await expect(page.getByRole("heading", { name: doc.title })).toBeVisible();
      // Each line reads in its own direction.
      await expect(page.locator('.doc-text .ln[data-b="0"]')).toHaveAttribute("dir", "auto");
      expect(await page.locator('.doc-text .ln[data-b="0"]').evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");

      const choices = cases[lang];
      for (const [i, c] of choices.entries()) {
        if (method === "mouse") {
          await dragAcross(page, c.line, c.from, c.to);
        } else {
          if ("segment" in c.caret) {
            await page.locator(".doc-pane").focus();
            await page.keyboard.press("j");
          } else {
            const needle = "before" in c.caret ? c.caret.before : c.caret.after;
            const point = await edgePoint(page, c.line, needle, "before" in c.caret ? "start" : "end");
            await page.mouse.click(point.x, point.y);
          }
          for (const key of c.keys) await page.keyboard.press(key);
          await expect(page.locator(".target-words")).toContainText(c.byKeyboard.slice(0, 3));
          await page.keyboard.press("Enter");
        }
        await applyCode(page, c.code, i + 1);
      }

      const expected = Object.fromEntries(choices.map((c) => [c.code, method === "mouse" ? c.byMouse : c.byKeyboard]));
      expect(await storedPassages(page, icr.baseUrl, project, round, doc.id, text)).toEqual(expected);

      await page.reload();
      await expect(page.locator(".coding-item")).toHaveCount(choices.length);
      const drawn = await drawnByCode(page, choices.map((c) => codeName(c.code)));
      expect(drawn).toEqual(Object.fromEntries(choices.map((c) => [codeName(c.code), expected[c.code]])));
      await screenshot(page, `rtl-${lang}-coded-by-${method}`);
    });
  }
}
