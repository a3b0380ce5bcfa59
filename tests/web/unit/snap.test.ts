// Word snapping of a selection (client/web/src/coder/snap.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { snapToWords } from "../../../client/web/src/coder/snap";

function snapped(text: string, from: string, to: string): string | null {
  const start = text.indexOf(from);
  const end = text.indexOf(to) + to.length;
  const result = snapToWords(text, start, end);
  return result && text.slice(result.start, result.end);
}

test("a selection inside words widens to the whole words", () => {
  const text = "We talked about the weather yesterday.";
  assert.equal(snapped(text, "lked", "ab"), "talked about");
});

test("spaces and punctuation at the ends are dropped", () => {
  const text = "Well, it was fine. Really.";
  const start = text.indexOf(", it");
  const end = text.indexOf("fine") + "fine. ".length;
  const r = snapToWords(text, start, end)!;
  assert.equal(text.slice(r.start, r.end), "it was fine");
});

test("reversed ends are accepted", () => {
  const text = "one two three";
  const r = snapToWords(text, 9, 5)!;
  assert.equal(text.slice(r.start, r.end), "two three");
});

test("a selection of only spaces, or empty, is no selection", () => {
  assert.equal(snapToWords("a    b", 2, 4), null);
  assert.equal(snapToWords("abc", 1, 1), null);
});

test("an emoji and a combining mark stay whole", () => {
  const text = "so 😀 cafe\u0301 today";
  const r = snapToWords(text, text.indexOf("caf") + 1, text.indexOf("today") + 2)!;
  assert.equal(text.slice(r.start, r.end), "cafe\u0301 today");
});

test("a selection across a CRLF keeps the line end inside", () => {
  const text = "end of line\r\nnext line";
  const r = snapToWords(text, text.indexOf("ine\r"), text.indexOf("nex") + 2)!;
  assert.equal(text.slice(r.start, r.end), "line\r\nnext");
});

test("a selection spanning a long text snaps both ends", () => {
  const text = "alpha " + "word ".repeat(2000) + "omega end";
  const r = snapToWords(text, 2, text.indexOf("omega") + 2)!;
  assert.equal(r.start, 0);
  assert.equal(text.slice(r.end - 5, r.end), "omega");
});
