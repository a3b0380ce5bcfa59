// Choosing a passage with the keyboard, character by character or word by
// word, as in a text editor: Shift+Arrow moves the selection's free end by
// one user-perceived character (a grapheme cluster), Ctrl+Shift+Arrow by a
// word, Shift+Home/End to the line's start or end, Shift+Up/Down to the same
// place in the line above or below. Arrows follow the paragraph's reading
// direction: in a right-to-left paragraph Shift+Left moves forward in the
// text. Offsets are UTF-16 units of the text, always on grapheme boundaries,
// so what is highlighted is exactly what is stored.
//
// Up and Down move by the transcript's lines (its blocks: one utterance or
// paragraph each), keeping the count of characters from the line's logical
// start, not by the lines the browser wraps them into: the passage a key
// press chooses is then the same at every window width and zoom, and in a
// line mixing right-to-left and left-to-right runs "the same horizontal
// place" one wrapped line down can lie logically before or after the caret,
// which would make the selection jump back and forth in the text. As in an
// editor, the column is kept across a shorter line (the caret's `column`).
import { paragraphDirection } from "./bidi";
import { blockAt, type Block, type Span } from "./highlights";
import { graphemeBoundary, stepGrapheme, stepWord } from "./snap";

/** A keyboard selection: `anchor` stays, `focus` moves. */
export interface Caret {
  anchor: number;
  focus: number;
  /** After Up or Down: the column (user-perceived characters from the line's start) they aim at. */
  column?: number;
}

const SELECT_KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"] as const;
export type SelectKey = (typeof SELECT_KEYS)[number];

export function isSelectKey(key: string): key is SelectKey {
  return (SELECT_KEYS as readonly string[]).includes(key);
}

/** The reading direction of the line holding offset `at`. */
export function lineDirection(text: string, blocks: Block[], at: number): "rtl" | "ltr" {
  const block = blocks[blockAt(blocks, at)];
  return (block && paragraphDirection(text.slice(block.start, block.end))) || "ltr";
}

/** The caret after one key press. */
export function moveFocus(text: string, blocks: Block[], caret: Caret, key: SelectKey, byWord: boolean): Caret {
  const at = graphemeBoundary(text, caret.focus, "down");
  const anchor = graphemeBoundary(text, caret.anchor, "down");
  if (key === "ArrowUp" || key === "ArrowDown") return lineStep(text, blocks, { anchor, focus: at, column: caret.column }, key === "ArrowDown" ? 1 : -1);
  if (key === "Home" || key === "End") {
    const block = blocks[blockAt(blocks, at)];
    if (!block) return { anchor, focus: at };
    // At a line's very end or start already: go on to the next or previous line.
    if (key === "End") return { anchor, focus: at === block.end ? lineEdge(text, blocks, at, 1) : block.end };
    return { anchor, focus: at === block.start ? lineEdge(text, blocks, at, -1) : block.start };
  }
  const forward = (key === "ArrowRight") === (lineDirection(text, blocks, at) === "ltr");
  const step = forward ? 1 : -1;
  return { anchor, focus: byWord ? stepWord(text, at, step) : stepGrapheme(text, at, step) };
}

function lineEdge(text: string, blocks: Block[], at: number, step: 1 | -1): number {
  const b = blockAt(blocks, at) + step;
  const block = blocks[b];
  if (!block) return step > 0 ? text.length : 0;
  return step > 0 ? block.end : block.start;
}

/** Graphemes from `from` to `to` (from <= to). */
function columnsBetween(text: string, from: number, to: number): number {
  let n = 0;
  for (let at = from; at < to; at = stepGrapheme(text, at, 1)) n++;
  return n;
}

/**
 * The focus moved to the line `step` lines away, at the caret's column or
 * the line's end when the line is shorter; from the first line up goes to
 * the text's start, from the last line down to its end.
 */
function lineStep(text: string, blocks: Block[], caret: Caret, step: 1 | -1): Caret {
  const b = blockAt(blocks, caret.focus);
  const block = blocks[b];
  if (!block) return { anchor: caret.anchor, focus: caret.focus };
  const column = caret.column ?? columnsBetween(text, block.start, Math.min(caret.focus, block.end));
  const line = blocks[b + step];
  if (!line) return { anchor: caret.anchor, focus: step > 0 ? text.length : 0, column };
  let focus = line.start;
  for (let i = 0; i < column && focus < line.end; i++) focus = stepGrapheme(text, focus, 1);
  return { anchor: caret.anchor, focus: Math.min(focus, line.end), column };
}

/** The caret's passage, start before end, or null when it is empty. */
export function caretSpan(caret: Caret): Span | null {
  if (caret.anchor === caret.focus) return null;
  return { start: Math.min(caret.anchor, caret.focus), end: Math.max(caret.anchor, caret.focus) };
}
