// Snapping a selection to whole words, as QDA tools do: a drag that starts or
// ends inside a word takes the whole word; leading and trailing spaces and
// punctuation are dropped. Works in UTF-16 offsets of the text (the caller
// converts to code points with offsets.ts) and never splits a surrogate pair
// or a character from its combining marks: word boundaries come from
// Intl.Segmenter, which follows Unicode's rules.

const reach = 256;

let wordSegmenter: Intl.Segmenter | undefined;
let graphemeSegmenter: Intl.Segmenter | undefined;
function words(): Intl.Segmenter {
  wordSegmenter ??= new Intl.Segmenter(undefined, { granularity: "word" });
  return wordSegmenter;
}
function graphemes(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return graphemeSegmenter;
}

/**
 * The user-perceived character boundaries (Unicode grapheme clusters) of
 * text[from, to), as offsets in `text`. A cluster (a letter with its
 * diacritics, a ZWJ emoji sequence, a letter and the ZWNJ after it) is never
 * longer than `reach` in real text, so a window that starts `reach` before
 * the point of interest finds the right boundaries near that point.
 */
function graphemeBoundaries(text: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (const s of graphemes().segment(text.slice(from, to))) out.push(from + s.index);
  out.push(to);
  return out;
}

/** The nearest grapheme boundary at or before `at` ("down") or at or after it ("up"). */
export function graphemeBoundary(text: string, at: number, round: "down" | "up"): number {
  at = Math.max(0, Math.min(text.length, at));
  if (at === 0 || at === text.length) return at;
  const bounds = graphemeBoundaries(text, Math.max(0, at - reach), Math.min(text.length, at + reach));
  if (round === "down") return [...bounds].reverse().find((b) => b <= at) ?? 0;
  return bounds.find((b) => b >= at) ?? text.length;
}

/** Widens [start, end) to whole grapheme clusters: no diacritic, joiner or surrogate half is left out. */
export function snapToGraphemes(text: string, start: number, end: number): { start: number; end: number } {
  if (end < start) [start, end] = [end, start];
  return { start: graphemeBoundary(text, start, "down"), end: graphemeBoundary(text, end, "up") };
}

/** The grapheme boundary one user-perceived character after (step 1) or before (step -1) `at`. */
export function stepGrapheme(text: string, at: number, step: 1 | -1): number {
  at = graphemeBoundary(text, at, step > 0 ? "down" : "up");
  if (step > 0) {
    if (at >= text.length) return text.length;
    return graphemeBoundaries(text, at, Math.min(text.length, at + reach))[1] ?? text.length;
  }
  if (at <= 0) return 0;
  const bounds = graphemeBoundaries(text, Math.max(0, at - reach), at);
  return bounds.length >= 2 ? bounds[bounds.length - 2]! : 0;
}

/**
 * The end of the next word after `at` (step 1) or the start of the word
 * before it (step -1), as Ctrl+Shift+Arrow moves in a text editor; words are
 * Unicode's (Intl.Segmenter), so Thai, Japanese and Chinese words count too.
 */
export function stepWord(text: string, at: number, step: 1 | -1): number {
  // Windows overlap by `reach`, so a window's first (possibly cut) piece is
  // always seen whole by the window before it.
  if (step > 0) {
    for (let from = Math.max(0, at - reach); ; from += reach) {
      const to = Math.min(text.length, from + 3 * reach);
      const found = pieces(text, from, to).find((p) => p.wordLike && p.end > at);
      if (found) return found.end;
      if (to >= text.length) return text.length;
    }
  }
  for (let to = Math.min(text.length, at + reach); ; to -= reach) {
    const from = Math.max(0, to - 3 * reach);
    const found = pieces(text, from, to)
      .reverse()
      .find((p) => p.wordLike && p.start < at);
    if (found) return found.start;
    if (from <= 0) return 0;
  }
}

interface Piece {
  start: number;
  end: number;
  wordLike: boolean;
}

// An emoji is content in an interview or chat transcript (a 🙂 after a
// sentence answers a question), so it counts as a word, unlike punctuation.
const pictograph = /\p{Extended_Pictographic}/u;

/** The word-segmenter's pieces of text[from, to), with offsets in `text`. */
function pieces(text: string, from: number, to: number): Piece[] {
  const out: Piece[] = [];
  for (const s of words().segment(text.slice(from, to))) {
    const wordLike = (s.isWordLike ?? false) || pictograph.test(s.segment);
    out.push({ start: from + s.index, end: from + s.index + s.segment.length, wordLike });
  }
  return out;
}

/**
 * [start, end) widened to the words it touches and trimmed of the spaces and
 * punctuation at its ends; null when it holds no word (a click, or only spaces).
 */
export function snapToWords(text: string, start: number, end: number): { start: number; end: number } | null {
  if (end < start) [start, end] = [end, start];
  start = Math.max(0, start);
  end = Math.min(text.length, end);
  if (end <= start) return null;
  const from = Math.max(0, start - reach);
  const to = Math.min(text.length, end + reach);
  // Segment a window around each end only: a selection may span a whole document.
  const head = pieces(text, from, Math.min(to, start + reach));
  const tail = end - start > reach ? pieces(text, Math.max(from, end - reach), to) : head;
  const first = head.find((p) => p.wordLike && p.end > start && p.start < end);
  const last = [...tail].reverse().find((p) => p.wordLike && p.start < end && p.end > start);
  if (!first || !last) {
    // No word in the windows' reach: a long selection of punctuation or a
    // selection whose ends are far apart and sit in spaces. Keep it, trimmed.
    const trimmed = text.slice(start, end);
    const lead = trimmed.length - trimmed.trimStart().length;
    const trail = trimmed.length - trimmed.trimEnd().length;
    return trimmed.trim() ? snapToGraphemes(text, start + lead, end - trail) : null;
  }
  return { start: first.start, end: Math.max(last.end, first.end) };
}
