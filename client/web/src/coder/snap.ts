// Snapping a selection to whole words, as QDA tools do: a drag that starts or
// ends inside a word takes the whole word; leading and trailing spaces and
// punctuation are dropped. Works in UTF-16 offsets of the text (the caller
// converts to code points with offsets.ts) and never splits a surrogate pair
// or a character from its combining marks: word boundaries come from
// Intl.Segmenter, which follows Unicode's rules.

const reach = 256;

let segmenter: Intl.Segmenter | undefined;
function words(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "word" });
  return segmenter;
}

interface Piece {
  start: number;
  end: number;
  wordLike: boolean;
}

/** The word-segmenter's pieces of text[from, to), with offsets in `text`. */
function pieces(text: string, from: number, to: number): Piece[] {
  const out: Piece[] = [];
  for (const s of words().segment(text.slice(from, to))) {
    out.push({ start: from + s.index, end: from + s.index + s.segment.length, wordLike: s.isWordLike ?? false });
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
    return trimmed.trim() ? { start: start + lead, end: end - trail } : null;
  }
  return { start: first.start, end: Math.max(last.end, first.end) };
}
