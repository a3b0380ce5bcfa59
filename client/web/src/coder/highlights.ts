// How a document is painted: its text cut into blocks (one per line, so the
// browser lays out and paints only what is on screen), and each block cut
// into runs, each run carrying the codings that cover it. All offsets here
// are UTF-16 units of the text; offsets.ts converts from icr's code points.

export interface Block {
  index: number;
  /** [start, end) of the line's text, without its line end. */
  start: number;
  end: number;
  /** The segment that starts in this block, if any (its index). */
  segmentStart: number;
}

/** A coding as drawn: its span, its lane (underline row) and its code. */
export interface Mark {
  id: string;
  code: string;
  start: number;
  end: number;
  lane: number;
}

export interface Run {
  start: number;
  end: number;
  /** Indexes into the marks array, ordered by lane. */
  marks: number[];
  /** The segment covering this run, or -1 (between segments). */
  segment: number;
  /** Inside the passage being coded. */
  selected: boolean;
}

export interface Span {
  start: number;
  end: number;
}

/** One block per line; line ends (\n, \r\n, \r) belong to no block. */
export function splitBlocks(text: string, segments: Span[]): Block[] {
  const blocks: Block[] = [];
  const lineEnd = /\r\n|\n|\r/g;
  let start = 0;
  let match: RegExpExecArray | null;
  const push = (end: number) => blocks.push({ index: blocks.length, start, end, segmentStart: -1 });
  while ((match = lineEnd.exec(text)) !== null) {
    push(match.index);
    start = match.index + match[0].length;
  }
  push(text.length);
  // Mark the block where each segment starts (for its number in the margin).
  for (let s = 0; s < segments.length; s++) {
    const b = blockAt(blocks, segments[s]!.start);
    if (b >= 0 && blocks[b]!.segmentStart < 0) blocks[b]!.segmentStart = s;
  }
  return blocks;
}

/** The index of the block containing offset `at` (a line end counts as its line's). */
export function blockAt(blocks: Block[], at: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The segment containing offset `at`, or -1; segments are ascending and disjoint. */
export function segmentAt(segments: Span[], at: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (at < s.start) hi = mid - 1;
    else if (at >= s.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Gives each mark a lane: the lowest row not used by an overlapping mark
 * that starts earlier, so that overlapping codings are each drawn visibly.
 * Returns the number of lanes used.
 */
export function assignLanes(marks: Mark[]): number {
  const order = marks.map((_, i) => i).sort((a, b) => marks[a]!.start - marks[b]!.start || marks[b]!.end - marks[a]!.end);
  const laneEnds: number[] = [];
  for (const i of order) {
    const mark = marks[i]!;
    let lane = laneEnds.findIndex((end) => end <= mark.start);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = mark.end;
    mark.lane = lane;
  }
  return laneEnds.length;
}

/** For each block, the indexes of the marks that overlap it. */
export function marksByBlock(blocks: Block[], marks: Mark[]): number[][] {
  const result: number[][] = blocks.map(() => []);
  marks.forEach((mark, i) => {
    if (mark.end <= mark.start) return;
    const first = blockAt(blocks, mark.start);
    const last = blockAt(blocks, mark.end - 1);
    for (let b = Math.max(first, 0); b <= last; b++) {
      const block = blocks[b]!;
      if (mark.start < block.end && mark.end > block.start) result[b]!.push(i);
    }
  });
  return result;
}

/**
 * A block's runs: maximal pieces over which the covering marks, the segment
 * and the selection stay the same.
 */
export function blockRuns(
  block: Block,
  marks: Mark[],
  markIndexes: number[],
  segments: Span[],
  selection: Span | null,
): Run[] {
  if (block.end <= block.start) return [];
  const cuts = new Set<number>([block.start, block.end]);
  const inside = (at: number) => at > block.start && at < block.end;
  for (const i of markIndexes) {
    const m = marks[i]!;
    if (inside(m.start)) cuts.add(m.start);
    if (inside(m.end)) cuts.add(m.end);
  }
  if (segments.length > 0) {
    let s = Math.max(0, segmentAt(segments, block.start));
    for (; s < segments.length && segments[s]!.start < block.end; s++) {
      if (inside(segments[s]!.start)) cuts.add(segments[s]!.start);
      if (inside(segments[s]!.end)) cuts.add(segments[s]!.end);
    }
  }
  if (selection) {
    if (inside(selection.start)) cuts.add(selection.start);
    if (inside(selection.end)) cuts.add(selection.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const runs: Run[] = [];
  for (let p = 0; p + 1 < points.length; p++) {
    const start = points[p]!;
    const end = points[p + 1]!;
    const covering = markIndexes
      .filter((i) => marks[i]!.start <= start && marks[i]!.end >= end)
      .sort((a, b) => marks[a]!.lane - marks[b]!.lane);
    runs.push({
      start,
      end,
      marks: covering,
      segment: segmentAt(segments, start),
      selected: selection !== null && selection.start <= start && selection.end >= end,
    });
  }
  return runs;
}
