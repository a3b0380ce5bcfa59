// Blocks, lanes and runs of the document view (client/web/src/coder/highlights.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { assignLanes, blockAt, blockRuns, marksByBlock, segmentAt, splitBlocks, type Mark } from "../../../client/web/src/coder/highlights";

const text = "first line\r\nsecond line\n\nthird";

test("one block per line; line ends (CRLF, LF) belong to none", () => {
  const blocks = splitBlocks(text, [{ start: 0, end: 10 }, { start: 12, end: 23 }, { start: 25, end: 30 }]);
  assert.deepEqual(blocks.map((b) => text.slice(b.start, b.end)), ["first line", "second line", "", "third"]);
  assert.deepEqual(blocks.map((b) => b.segmentStart), [0, 1, -1, 2]);
  assert.equal(blockAt(blocks, 11), 0); // the \n of the CRLF
  assert.equal(blockAt(blocks, 12), 1);
  assert.equal(blockAt(blocks, 29), 3);
});

test("segments are found by offset; gaps are -1", () => {
  const segments = [{ start: 0, end: 10 }, { start: 12, end: 23 }];
  assert.equal(segmentAt(segments, 0), 0);
  assert.equal(segmentAt(segments, 10), -1);
  assert.equal(segmentAt(segments, 22), 1);
  assert.equal(segmentAt(segments, 23), -1);
});

function mark(id: string, start: number, end: number): Mark {
  return { id, code: id, start, end, lane: -1 };
}

test("overlapping marks get different lanes; a freed lane is reused", () => {
  const marks = [mark("a", 0, 10), mark("b", 5, 15), mark("c", 12, 20), mark("d", 6, 8)];
  assert.equal(assignLanes(marks), 3);
  assert.deepEqual(marks.map((m) => m.lane), [0, 1, 0, 2]);
});

test("a block's runs carry every mark covering them, by lane", () => {
  const blocks = splitBlocks(text, []);
  const marks = [mark("a", 2, 18), mark("b", 6, 8)];
  assignLanes(marks);
  const byBlock = marksByBlock(blocks, marks);
  assert.deepEqual(byBlock, [[0, 1], [0], [], []]);
  const runs = blockRuns(blocks[0]!, marks, byBlock[0]!, [], { start: 7, end: 9 });
  assert.deepEqual(
    runs.map((r) => [text.slice(r.start, r.end), r.marks.map((i) => marks[i]!.id).join(""), r.selected]),
    [["fi", "", false], ["rst ", "a", false], ["l", "ab", false], ["i", "ab", true], ["n", "a", true], ["e", "a", false]],
  );
  const second = blockRuns(blocks[1]!, marks, byBlock[1]!, [], null);
  assert.deepEqual(second.map((r) => text.slice(r.start, r.end)), ["second", " line"]);
  assert.deepEqual(blockRuns(blocks[2]!, marks, [], [], null), []);
});
