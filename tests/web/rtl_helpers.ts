// Pointing at right-to-left and mixed text as a person does: at the edge of
// a character where a caret would go, which in a right-to-left run is its
// right side at the start and its left side at the end.
import type { Page } from "@playwright/test";

/**
 * The screen point just inside the logical start ("start") or end ("end")
 * edge of the first or last grapheme cluster of `needle` on line `line`
 * (1-based) of the document's text; with `middle`, the middle of that
 * character when the needle has more than one.
 */
export async function edgePoint(
  page: Page,
  line: number,
  needle: string,
  which: "start" | "end",
  middle = false,
): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(
    ({ line, needle, which, middle }) => {
      const el = document.querySelector<HTMLElement>(`.doc-text .ln[data-b="${line - 1}"]`);
      if (!el) return null;
      const at = (el.textContent ?? "").indexOf(needle);
      if (at < 0) return null;
      const clusters = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(needle)];
      const cluster = which === "start" ? clusters[0]! : clusters[clusters.length - 1]!;
      let k = at + cluster.index;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        if (k < node.data.length) {
          const range = document.createRange();
          range.setStart(node, k);
          range.setEnd(node, k + cluster.segment.length);
          const rect = range.getBoundingClientRect();
          // Digits and Latin letters run left to right even in a Persian
          // line; letters of right-to-left scripts run right to left; other
          // characters (punctuation, emoji) take the line's direction.
          const first = cluster.segment;
          const rtlLetter = /[\u0590-\u05ff\u0600-\u065f\u066e-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]/.test(first);
          const ltr = /\p{N}/u.test(first) || (/\p{L}/u.test(first) && !rtlLetter);
          const rtl = !ltr && (rtlLetter || getComputedStyle(el).direction === "rtl");
          // Within a word of several characters, its first or last
          // character's middle: the caret lands at one of that character's
          // edges, both in the word, so word snapping takes the whole word.
          // (An edge where a right-to-left run meets a left-to-right one is
          // two places in the text at once, and a drag to it is ambiguous.)
          if (middle && clusters.length > 1) return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
          const inset = Math.min(2, rect.width / 4);
          const leftSide = rtl === (which === "end");
          return { x: leftSide ? rect.left + inset : rect.right - inset, y: rect.top + rect.height / 2 };
        }
        k -= node.data.length;
      }
      return null;
    },
    { line, needle, which, middle },
  );
  if (!point) throw new Error(`"${needle}" is not on line ${line} of the document's text`);
  return point;
}

/** Drags from the logical start of `from` to the logical end of `to`, both on line `line`. */
export async function dragAcross(page: Page, line: number, from: string, to: string): Promise<void> {
  const start = await edgePoint(page, line, from, "start", true);
  const end = await edgePoint(page, line, to, "end", true);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 4 });
  await page.mouse.move(end.x, end.y, { steps: 4 });
  await page.mouse.up();
}

/** The text drawn under each code, from the highlights' hover titles ("Coded: 3 name"). */
export async function drawnByCode(page: Page, names: string[]): Promise<Record<string, string>> {
  return page.evaluate((names) => {
    const out: Record<string, string> = {};
    for (const run of document.querySelectorAll<HTMLElement>(".doc-text .r.coded")) {
      for (const name of names) if (run.title.includes(name)) out[name] = (out[name] ?? "") + run.textContent;
    }
    return out;
  }, names);
}
