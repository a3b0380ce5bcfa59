// The UTF-16 ↔ code-point conversion of client/web/src/offsets.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OffsetMap, codePointsToUtf16, utf16ToCodePoints } from "../../../client/web/src/offsets";

/** The reference: convert by walking the string's code points. */
function referenceToUtf16(text: string, codePoint: number): number {
  return [...text].slice(0, codePoint).join("").length;
}

test("text without astral characters: offsets are equal", () => {
  const text = "plain text\r\nwith CRLF\r\n and more";
  const map = new OffsetMap(text);
  assert.equal(map.codePointLength, text.length);
  for (let i = 0; i <= text.length; i++) {
    assert.equal(map.toUtf16(i), i);
    assert.equal(map.toCodePoint(i), i);
  }
});

test("an emoji is one code point and two UTF-16 units", () => {
  const text = "I 😀 it";
  const map = new OffsetMap(text);
  assert.equal(text.length, 7);
  assert.equal(map.codePointLength, 6);
  // "it" starts at code point 4, UTF-16 unit 5.
  assert.equal(map.toUtf16(4), 5);
  assert.equal(map.toCodePoint(5), 4);
  assert.equal(text.slice(map.toUtf16(4), map.toUtf16(6)), "it");
  // The emoji itself.
  assert.equal(text.slice(map.toUtf16(2), map.toUtf16(3)), "😀");
});

test("an offset inside a surrogate pair rounds to a whole character", () => {
  const text = "a😀b";
  const map = new OffsetMap(text);
  assert.equal(map.toCodePoint(2, "down"), 1);
  assert.equal(map.toCodePoint(2, "up"), 2);
});

test("emoji sequences, flags and combining marks count each code point", () => {
  // Family (ZWJ sequence), a flag (two regional indicators), e + combining acute.
  const text = "👨‍👩‍👧 🇩🇪 cafe\u0301 ok";
  const points = [...text];
  const map = new OffsetMap(text);
  assert.equal(map.codePointLength, points.length);
  for (let cp = 0; cp <= points.length; cp++) {
    const u = referenceToUtf16(text, cp);
    assert.equal(map.toUtf16(cp), u, `toUtf16(${cp})`);
    assert.equal(map.toCodePoint(u), cp, `toCodePoint(${u})`);
  }
  const ok = text.indexOf("ok");
  assert.equal(map.toCodePoint(ok), points.length - 2);
});

test("a CRLF line end is two code points and two units", () => {
  const text = "😀 line one\r\nline two";
  const map = new OffsetMap(text);
  const lf = text.indexOf("\n");
  assert.equal(map.toCodePoint(lf), lf - 1);
  assert.equal(map.toCodePoint(lf + 1), lf);
  assert.equal([...text].slice(map.toCodePoint(lf - 1), map.toCodePoint(lf + 1)).join(""), "\r\n");
});

test("offsets past the ends are clamped", () => {
  const map = new OffsetMap("😀😀");
  assert.equal(map.toUtf16(-3), 0);
  assert.equal(map.toUtf16(99), 4);
  assert.equal(map.toCodePoint(99), 2);
});

test("one-off helpers agree with the map", () => {
  const text = "x😀y🎉z";
  assert.equal(codePointsToUtf16(text, 4), 6);
  assert.equal(utf16ToCodePoints(text, 6), 4);
});

test("random texts agree with the reference in both directions", () => {
  const alphabet = ["a", " ", "\r\n", "😀", "é", "e\u0301", "𝔸", "中", "\n"];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let round = 0; round < 50; round++) {
    let text = "";
    for (let i = next() % 80; i > 0; i--) text += alphabet[next() % alphabet.length];
    const map = new OffsetMap(text);
    const n = [...text].length;
    assert.equal(map.codePointLength, n);
    for (let cp = 0; cp <= n; cp++) {
      const u = referenceToUtf16(text, cp);
      assert.equal(map.toUtf16(cp), u);
      assert.equal(map.toCodePoint(u), cp);
    }
  }
});

test("a long document with few emoji converts quickly", () => {
  const text = ("word ".repeat(1000) + "😀").repeat(120);
  const map = new OffsetMap(text);
  const started = performance.now();
  let sum = 0;
  for (let i = 0; i < 100000; i++) sum += map.toCodePoint((i * 7919) % text.length);
  assert.ok(sum > 0);
  assert.ok(performance.now() - started < 500);
});
