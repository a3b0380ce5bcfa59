// The one place where offsets change units. icr stores every offset in
// Unicode code points; the browser (DOM Ranges, string indexes) counts UTF-16
// code units. They differ by one for each character outside the Basic
// Multilingual Plane (most emoji), which takes two UTF-16 units (a surrogate
// pair) but is one code point. CRLF and combining marks are one unit per code
// point in both, so they need no correction, only care not to split them.

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Converts offsets of one text in both directions in O(log n): it keeps the
 * code-point index of each surrogate pair, so a 600,000-character document
 * with a few emoji costs a few entries.
 */
export class OffsetMap {
  /** Code-point indexes of the characters that take two UTF-16 units, ascending. */
  private readonly astral: number[] = [];
  readonly utf16Length: number;
  readonly codePointLength: number;

  constructor(text: string) {
    let codePoint = 0;
    for (let i = 0; i < text.length; i++, codePoint++) {
      if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        this.astral.push(codePoint);
        i++;
      }
    }
    this.utf16Length = text.length;
    this.codePointLength = codePoint;
  }

  /** How many entries of `astral` are below `limit`. */
  private countBelow(limit: number): number {
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.astral[mid]! < limit) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A code-point offset (0..codePointLength) as a UTF-16 offset. */
  toUtf16(codePoint: number): number {
    const clamped = Math.max(0, Math.min(codePoint, this.codePointLength));
    return clamped + this.countBelow(clamped);
  }

  /**
   * A UTF-16 offset as a code-point offset. An offset inside a surrogate pair
   * (which no caret can take) counts as the end of that character when
   * `round` is "up", its start when "down".
   */
  toCodePoint(utf16: number, round: "down" | "up" = "down"): number {
    const clamped = Math.max(0, Math.min(utf16, this.utf16Length));
    // The answer c satisfies c + countBelow(c) <= clamped; search for the largest.
    let lo = 0;
    let hi = Math.min(clamped, this.codePointLength);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (mid + this.countBelow(mid) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    const exact = lo + this.countBelow(lo) === clamped;
    return exact || round === "down" ? lo : lo + 1;
  }
}

/** One-off conversion of a code-point offset of `text` to UTF-16 units. */
export function codePointsToUtf16(text: string, codePoint: number): number {
  return new OffsetMap(text).toUtf16(codePoint);
}

/** One-off conversion of a UTF-16 offset of `text` to code points. */
export function utf16ToCodePoints(text: string, utf16: number): number {
  return new OffsetMap(text).toCodePoint(utf16);
}
