// The document's text, one block per line, with the coder's codings drawn as
// coloured bars under the words, one row (lane) per overlapping coding, the
// code's number at each coding's start and its names on hover. A block
// re-renders only when what covers it changes.
import { memo } from "preact/compat";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { CodeEntry } from "./codebook";
import { blockAt, blockRuns, segmentAt, type Block, type Mark, type Span } from "./highlights";
import { snapToWords } from "./snap";
import { t } from "../i18n";

/** At most this many lanes are drawn; deeper overlaps share the last lane. */
const maxLanes = 8;
const laneStep = 4;

export interface TextViewProps {
  text: string;
  blocks: Block[];
  segments: Span[];
  marks: Mark[];
  blockMarks: number[][];
  lanes: number;
  entries: Map<string, CodeEntry>;
  currentSegment: number;
  selection: Span | null;
  emphasized: string | null;
  /** A passage chosen with the mouse (UTF-16 offsets, snapped to words). */
  onSelect: (span: Span) => void;
  /** A click that selected nothing, at UTF-16 offset `at`, inside segment `index` (or -1). */
  onClickSegment: (index: number, at: number) => void;
}

interface Shared {
  text: string;
  segments: Span[];
  marks: Mark[];
  entries: Map<string, CodeEntry>;
  selection: Span | null;
  currentSegment: number;
  emphasized: string | null;
  lanes: number;
}

function runStyle(shared: Shared, marks: number[]): Record<string, string> {
  const lanes = Math.min(shared.lanes, maxLanes);
  const images: string[] = [];
  const positions: string[] = [];
  for (const i of marks) {
    const mark = shared.marks[i]!;
    const color = shared.entries.get(mark.code)?.color ?? "#555555";
    const lane = Math.min(mark.lane, maxLanes - 1);
    images.push(`linear-gradient(${color},${color})`);
    positions.push(`0 calc(100% - ${(lanes - 1 - lane) * laneStep}px)`);
  }
  return {
    backgroundImage: images.join(","),
    backgroundPosition: positions.join(","),
    backgroundSize: marks.map(() => `100% ${laneStep - 1}px`).join(","),
    backgroundRepeat: "no-repeat",
    paddingBottom: `${lanes * laneStep}px`,
  };
}

function codeLabel(entry: CodeEntry | undefined, code: string): string {
  return entry ? `${entry.number} ${entry.code.name || code}` : code;
}

const BlockView = memo(
  function BlockView({ block, shared, marks }: { block: Block; shared: Shared; marks: number[]; version: string }) {
    const runs = blockRuns(block, shared.marks, marks, shared.segments, shared.selection);
    const segmentAttr = block.segmentStart >= 0 ? String(block.segmentStart + 1) : undefined;
    if (runs.length === 0) {
      return <div class="ln empty" data-b={block.index} data-seg={segmentAttr} />;
    }
    // Each line takes its direction from its first strong character (a
    // Persian line reads right to left, an English one left to right), and
    // the runs inside are not isolated, so an English term or a number in a
    // Persian sentence is placed by the bidi algorithm as in plain text.
    return (
      <div class="ln" dir="auto" data-b={block.index} data-seg={segmentAttr}>
        {runs.map((run) => {
          const piece = shared.text.slice(run.start, run.end);
          const current = run.segment >= 0 && run.segment === shared.currentSegment;
          if (run.marks.length === 0 && !run.selected && !current) return piece;
          const classes = ["r"];
          if (run.marks.length > 0) classes.push("coded");
          if (run.selected) classes.push("sel");
          if (current) classes.push("cur");
          if (shared.emphasized && run.marks.some((i) => shared.marks[i]!.id === shared.emphasized)) classes.push("emph");
          const starting = run.marks.filter((i) => shared.marks[i]!.start === run.start);
          const tags = starting.map((i) => String(shared.entries.get(shared.marks[i]!.code)?.number ?? "?")).join(" ");
          const title = run.marks.length
            ? t().doc.codedTitle(run.marks.map((i) => codeLabel(shared.entries.get(shared.marks[i]!.code), shared.marks[i]!.code)).join("; "))
            : undefined;
          return (
            <span
              class={classes.join(" ")}
              data-tags={tags || undefined}
              title={title}
              style={run.marks.length ? runStyle(shared, run.marks) : undefined}
            >
              {piece}
            </span>
          );
        })}
      </div>
    );
  },
  (a, b) => a.block === b.block && a.version === b.version,
);

/** A DOM point inside the text as a UTF-16 offset of the text, or null. */
function textOffset(blocks: Block[], node: Node, offset: number): number | null {
  const element = node instanceof Element ? node : node.parentElement;
  const line = element?.closest<HTMLElement>(".ln");
  if (!line) return null;
  const block = blocks[Number(line.dataset.b)];
  if (!block) return null;
  const range = document.createRange();
  range.setStart(line, 0);
  try {
    range.setEnd(node, offset);
  } catch {
    return null;
  }
  return Math.min(block.start + range.toString().length, block.end);
}

/**
 * Lines are grouped in chunks, each skipped by the browser while off screen
 * (content-visibility): per chunk rather than per line, since Chromium checks
 * every such element against the viewport on each frame.
 */
const chunkLines = 40;

function chunkStarts(count: number): number[] {
  const starts: number[] = [];
  for (let first = 0; first < count; first += chunkLines) starts.push(first);
  return starts;
}

/** A chunk's height before it was ever drawn, in em: about 95 characters a row. */
function estimateHeight(blocks: Block[], first: number): number {
  let rows = 0;
  for (let b = first; b < Math.min(blocks.length, first + chunkLines); b++) {
    const length = blocks[b]!.end - blocks[b]!.start;
    rows += length === 0 ? 0.35 : Math.ceil(length / 95);
  }
  return Math.max(1, Math.round(rows * 1.9));
}

/** Blocks drawn on the first frame: more than a screenful. */
const firstBlocks = 120;
/** Blocks added on each later task, until the whole text is in the page. */
const blocksPerTask = 400;

// Renders again only when what it draws changes, not on every change of the
// screen around it (the picker, the busy state, the list).
export const TextView = memo(function TextView(props: TextViewProps) {
  const { blocks, blockMarks, marks, segments } = props;
  const container = useRef<HTMLDivElement>(null);
  // A long text is put into the page in pieces: the first screens at once,
  // the rest in the following tasks, so the text opens without waiting for
  // thousands of lines to be built.
  const [drawn, setDrawn] = useState(Math.min(blocks.length, firstBlocks));
  useEffect(() => {
    if (drawn >= blocks.length) return;
    const timer = setTimeout(() => setDrawn((n) => Math.min(blocks.length, n + blocksPerTask)), 0);
    return () => clearTimeout(timer);
  }, [drawn, blocks.length]);
  const shared: Shared = {
    text: props.text,
    segments,
    marks,
    entries: props.entries,
    selection: props.selection,
    currentSegment: props.currentSegment,
    emphasized: props.emphasized,
    lanes: props.lanes,
  };

  // What each block shows, as a string: a block re-renders when it changes.
  const markVersions = useMemo(
    () => blockMarks.map((list) => list.map((i) => `${marks[i]!.id}:${marks[i]!.lane}`).join(",")),
    [blockMarks, marks],
  );
  const currentSpan = props.currentSegment >= 0 ? segments[props.currentSegment] ?? null : null;
  const touches = (span: Span | null, block: Block) =>
    span !== null && span.start < Math.max(block.end, block.start + 1) && span.end > block.start;

  function onMouseUp() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const start = textOffset(blocks, range.startContainer, range.startOffset);
    const end = textOffset(blocks, range.endContainer, range.endOffset);
    if (start === null || end === null) return;
    if (selection.isCollapsed) {
      props.onClickSegment(segmentAt(segments, start), start);
      return;
    }
    // DOM offsets are logical (in the order of the text), whatever the
    // direction the drag went on screen, so the stored passage is the one
    // highlighted; snapping keeps whole words and grapheme clusters.
    const snapped = snapToWords(props.text, start, end);
    selection.removeAllRanges();
    if (snapped) props.onSelect(snapped);
  }

  return (
    <div
      ref={container}
      class="doc-text"
      data-lanes={Math.min(props.lanes, maxLanes)}
      onMouseUp={onMouseUp}
    >
      {chunkStarts(Math.min(drawn, blocks.length)).map((first) => (
        <div key={first} class="lns" style={{ containIntrinsicSize: `auto ${estimateHeight(blocks, first)}em` }}>
          {blocks.slice(first, Math.min(first + chunkLines, drawn)).map((block, i) => {
        const b = first + i;
        const version = [
          markVersions[b],
          touches(currentSpan, block) ? `c${props.currentSegment}` : "",
          touches(props.selection, block) ? `s${props.selection!.start}-${props.selection!.end}` : "",
          props.emphasized && ("," + markVersions[b]).includes("," + props.emphasized + ":") ? `e${props.emphasized}` : "",
          Math.min(props.lanes, maxLanes),
        ].join("|");
        return <BlockView key={b} block={block} shared={shared} marks={blockMarks[b]!} version={version} />;
          })}
        </div>
      ))}
    </div>
  );
});

/** Scrolls the block holding UTF-16 offset `at` into the middle of the view. */
export function scrollToOffset(blocks: Block[], at: number): void {
  const b = blockAt(blocks, at);
  const scroll = (tries: number) => {
    const line = document.querySelector(`.doc-text [data-b="${b}"]`);
    // A block not yet in the page (the text is still being put in) is waited for.
    if (line) line.scrollIntoView({ block: "center" });
    else if (tries > 0) setTimeout(() => scroll(tries - 1), 16);
  };
  scroll(60);
}
