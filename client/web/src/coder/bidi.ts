// A paragraph's base direction by Unicode's rule P2–P3 (UAX #9): the first
// strong character decides; digits, punctuation and marks are weak or neutral
// and do not. This is what dir="auto" does in the page; the keyboard needs it
// to know which arrow key moves forward in the text.

// Strong right-to-left (bidi classes R and AL): Hebrew, Arabic, Syriac,
// Thaana, NKo, Samaritan, Mandaic and their presentation forms, and the
// historic right-to-left scripts of the supplementary planes.
const rtl = /[\u0590-\u05ff\u0608\u060b\u060d\u061b-\u064a\u066d-\u066f\u0671-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;
const strong = /[\p{L}\u0590-\u05ff\u0608\u060b\u060d\u061b-\u064a\u066d-\u066f\u0671-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]/u;
const marks = /\p{M}/u;

/** "rtl" or "ltr" from the first strong character of `text`, or null when it has none. */
export function paragraphDirection(text: string): "rtl" | "ltr" | null {
  for (const ch of text) {
    if (marks.test(ch) || !strong.test(ch)) continue;
    return rtl.test(ch) ? "rtl" : "ltr";
  }
  return null;
}
