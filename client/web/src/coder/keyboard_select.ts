// Choosing a passage with the keyboard, character by character or word by
// word, as in a text editor: Shift+Arrow moves the selection's free end by
// one user-perceived character (a grapheme cluster), Ctrl+Shift+Arrow by a
// word, Shift+Home/End to the line's start or end. Arrows follow the
// paragraph's reading direction: in a right-to-left paragraph Shift+Left
// moves forward in the text. Offsets are UTF-16 units of the text, always
// on grapheme boundaries, so what is highlighted is exactly what is stored.
import { paragraphDirection } from "./bidi";
import { blockAt, type Block, type Span } from "./highlights";
import { graphemeBoundary, stepGrapheme, stepWord } from "./snap";

/** A keyboard selection: `anchor` stays, `focus` moves. */
export interface Caret {
  anchor: number;
  focus: number;
}

export type SelectKey = "ArrowLeft" | "ArrowRight" | "Home" | "End";

export function isSelectKey(key: string): key is SelectKey {
  return key === "ArrowLeft" || key === "ArrowRight" || key === "Home" || key === "End";
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

/** The caret's passage, start before end, or null when it is empty. */
export function caretSpan(caret: Caret): Span | null {
  if (caret.anchor === caret.focus) return null;
  return { start: Math.min(caret.anchor, caret.focus), end: Math.max(caret.anchor, caret.focus) };
}
