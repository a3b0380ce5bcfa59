// Driving the coder's document view as a person would.
import type { Page } from "@playwright/test";

/** The screen position of a character of the document's text (its centre). */
async function charPoint(page: Page, needle: string, which: "first" | "last"): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(
    ({ needle, which }) => {
      for (const line of document.querySelectorAll<HTMLElement>(".doc-text .ln")) {
        const at = (line.textContent ?? "").indexOf(needle);
        if (at < 0) continue;
        let k = which === "first" ? at : at + needle.length - 1;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
          if (k < node.data.length) {
            const range = document.createRange();
            range.setStart(node, k);
            range.setEnd(node, k + 1);
            const rect = range.getBoundingClientRect();
            return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
          }
          k -= node.data.length;
        }
      }
      return null;
    },
    { needle, which },
  );
  if (!point) throw new Error(`"${needle}" is not in the document's text`);
  return point;
}

/** Drags the mouse from the middle of `from`'s first letter to the middle of `to`'s last. */
export async function dragSelect(page: Page, from: string, to: string): Promise<void> {
  const start = await charPoint(page, from, "first");
  const end = await charPoint(page, to, "last");
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 4 });
  await page.mouse.move(end.x, end.y, { steps: 4 });
  await page.mouse.up();
}

/** The code names drawn on the page, from the highlights' hover titles. */
export async function drawnCodes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".doc-text .r.coded")].map((el) => el.title).filter(Boolean),
  );
}
