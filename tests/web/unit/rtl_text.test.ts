// Right-to-left and mixed text in the coder's view: word snapping, grapheme
// boundaries, keyboard selection and offsets for Persian, Arabic, Hebrew and
// scripts without spaces (client/web/src/coder/{snap,bidi,keyboard_select}.ts,
// client/web/src/offsets.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { paragraphDirection } from "../../../client/web/src/coder/bidi";
import { splitBlocks } from "../../../client/web/src/coder/highlights";
import { caretSpan, moveFocus, type Caret, type SelectKey } from "../../../client/web/src/coder/keyboard_select";
import { graphemeBoundary, snapToGraphemes, snapToWords, stepGrapheme, stepWord } from "../../../client/web/src/coder/snap";
import { OffsetMap } from "../../../client/web/src/offsets";

const zwnj = "\u200c";
// Persian with an English term, Persian and Latin digits, a ZWNJ and an emoji.
const persian = `من در سال ۱۴۰۲ با iPhone 15 کار می${zwnj}کردم 🙂 و سال 2023 خوب بود.`;
// Arabic with diacritics (shadda, fatha, damma, sukun) and Arabic-Indic digits.
const arabic = "السَّلَامُ عَلَيْكُمْ في ١٢٣ صَفْحَة";
// Hebrew with points and Latin digits.
const hebrew = "שָׁלוֹם עוֹלָם 42 פְּעָמִים";

function snapped(text: string, start: number, end: number): string | null {
  const r = snapToWords(text, start, end);
  return r && text.slice(r.start, r.end);
}

test("a paragraph's direction is its first strong character's", () => {
  assert.equal(paragraphDirection(persian), "rtl");
  assert.equal(paragraphDirection(arabic), "rtl");
  assert.equal(paragraphDirection(hebrew), "rtl");
  assert.equal(paragraphDirection("iPhone در ایران"), "ltr");
  // Digits (Latin, Persian, Arabic-Indic), punctuation and marks are not strong.
  assert.equal(paragraphDirection("2023 ۱۴۰۲ ١٢٣ — «سلام»"), "rtl");
  assert.equal(paragraphDirection("12, 13!"), null);
  assert.equal(paragraphDirection("\u064e\u0651abc"), "ltr");
});

test("a Persian word with a ZWNJ inside is one word", () => {
  const at = persian.indexOf("می");
  assert.equal(snapped(persian, at + 1, at + 2), `می${zwnj}کردم`);
  // Starting right after the ZWNJ still takes the whole word.
  const after = persian.indexOf(zwnj) + 1;
  assert.equal(snapped(persian, after, after + 2), `می${zwnj}کردم`);
});

test("Persian, Arabic-Indic and Latin numbers snap whole", () => {
  const at = persian.indexOf("۱۴۰۲");
  assert.equal(snapped(persian, at + 1, at + 2), "۱۴۰۲");
  const latin = persian.indexOf("2023");
  assert.equal(snapped(persian, latin + 2, latin + 3), "2023");
  const indic = arabic.indexOf("١٢٣");
  assert.equal(snapped(arabic, indic + 1, indic + 2), "١٢٣");
});

test("a selection across a direction change takes the words at both ends", () => {
  // From inside "با" (Persian) to inside "iPhone" (Latin).
  const from = persian.indexOf("با") + 1;
  const to = persian.indexOf("iPhone") + 3;
  assert.equal(snapped(persian, from, to), "با iPhone");
  // From inside "15" back into Persian "کار".
  assert.equal(snapped(persian, persian.indexOf("15") + 1, persian.indexOf("کار") + 1), "15 کار");
});

test("an emoji is never cut, and is kept at a selection's end (it is content, not punctuation)", () => {
  const emoji = persian.indexOf("🙂");
  // A selection of half the emoji alone (no word) keeps the whole emoji.
  assert.deepEqual(snapToWords(persian, emoji + 1, emoji + 2), { start: emoji, end: emoji + 2 });
  assert.deepEqual(snapToGraphemes(persian, emoji + 1, emoji + 1), { start: emoji, end: emoji + 2 });
  assert.equal(snapped(persian, persian.indexOf("کردم") + 1, emoji + 1), `می${zwnj}کردم 🙂`);
  // Ending just before it leaves it out.
  assert.equal(snapped(persian, persian.indexOf("کردم") + 1, emoji - 1), `می${zwnj}کردم`);
});

test("Arabic diacritics stay with their letters", () => {
  // Ending between a letter and its shadda or fatha widens to the whole word.
  const word = "السَّلَامُ";
  const shadda = arabic.indexOf("\u0651");
  assert.equal(snapped(arabic, 0, shadda), word);
  // Grapheme boundaries never fall between a letter and its marks.
  assert.equal(graphemeBoundary(arabic, shadda, "down"), shadda - 2);
  // (Here the fatha comes before the shadda: س, fatha, shadda.)
  assert.equal(graphemeBoundary(arabic, shadda, "up"), shadda + 1);
  assert.deepEqual(snapToGraphemes(arabic, shadda, shadda + 1), { start: shadda - 2, end: shadda + 1 });
});

test("Hebrew points stay with their letters", () => {
  assert.equal(snapped(hebrew, 2, 3), "שָׁלוֹם");
  // The first letter שָׁ is a base letter and two points: three units, one character.
  assert.equal(stepGrapheme(hebrew, 0, 1), 3);
  assert.equal(stepGrapheme(hebrew, 3, -1), 0);
});

test("a ZWJ emoji sequence and a ZWNJ are each part of one character", () => {
  const family = "خانواده 👨‍👩‍👧 ما";
  const at = family.indexOf("👨");
  const length = "👨‍👩‍👧".length;
  assert.equal(stepGrapheme(family, at, 1), at + length);
  assert.equal(stepGrapheme(family, at + length, -1), at);
  assert.deepEqual(snapToGraphemes(family, at + 3, at + 4), { start: at, end: at + length });
  // The ZWNJ goes with the letter before it.
  const z = persian.indexOf(zwnj);
  assert.equal(stepGrapheme(persian, z - 1, 1), z + 1);
});

test("words of scripts without spaces come from Unicode's word rules", () => {
  const thai = "สวัสดีครับวันนี้";
  assert.equal(snapped(thai, 1, 2), "สวัสดี");
  assert.equal(snapped(thai, thai.indexOf("วัน") + 1, thai.indexOf("วัน") + 2), "วัน");
  const japanese = "今日は良い天気です";
  assert.equal(snapped(japanese, japanese.indexOf("天"), japanese.indexOf("天") + 1), "天気");
  const chinese = "我们今天去学校";
  assert.equal(snapped(chinese, chinese.indexOf("学"), chinese.indexOf("学") + 1), "学校");
  assert.equal(stepWord(chinese, 0, 1), 2);
  assert.equal(stepWord(thai, thai.length, -1), thai.indexOf("นี้"));
});

test("word steps skip spaces and punctuation, in both directions", () => {
  const start = persian.indexOf("می");
  assert.equal(stepWord(persian, start, 1), persian.indexOf(" 🙂"));
  // The emoji is a step of its own.
  assert.equal(stepWord(persian, persian.indexOf(" 🙂"), 1), persian.indexOf(" 🙂") + 3);
  assert.equal(stepWord(persian, persian.indexOf(" 🙂") + 3, -1), persian.indexOf("🙂"));
  assert.equal(stepWord(persian, persian.indexOf("🙂"), -1), start);
  assert.equal(stepWord(persian, persian.length, -1), persian.indexOf("بود"));
  assert.equal(stepWord(persian, persian.indexOf("بود"), 1), persian.length - 1);
});

function press(text: string, caret: Caret, ...keys: (SelectKey | [SelectKey, "word"])[]): Caret {
  const blocks = splitBlocks(text, []);
  for (const key of keys) {
    caret = Array.isArray(key) ? moveFocus(text, blocks, caret, key[0], true) : moveFocus(text, blocks, caret, key, false);
  }
  return caret;
}

function selected(text: string, caret: Caret): string {
  const span = caretSpan(caret);
  return span ? text.slice(span.start, span.end) : "";
}

test("in a right-to-left line Shift+Left moves forward, by character and by word", () => {
  const start = { anchor: 0, focus: 0 };
  assert.equal(selected(persian, press(persian, start, "ArrowLeft", "ArrowLeft")), "من");
  assert.equal(selected(persian, press(persian, start, ["ArrowLeft", "word"], ["ArrowLeft", "word"])), "من در");
  // Shift+Right comes back.
  assert.equal(selected(persian, press(persian, start, "ArrowLeft", "ArrowLeft", "ArrowRight")), "م");
  // The same keys in an English line move the other way.
  const english = "We met in 2023.";
  assert.equal(selected(english, press(english, start, "ArrowRight", "ArrowRight")), "We");
  assert.equal(selected(english, press(english, start, "ArrowLeft")), "");
});

test("keyboard selection across the English term, the ZWNJ and the emoji", () => {
  const at = persian.indexOf("با");
  const caret = press(persian, { anchor: at, focus: at }, ["ArrowLeft", "word"], ["ArrowLeft", "word"], ["ArrowLeft", "word"]);
  assert.equal(selected(persian, caret), "با iPhone 15");
  const m = persian.indexOf("می");
  // م, ی, ZWNJ goes with ی, then ک: three presses.
  assert.equal(selected(persian, press(persian, { anchor: m, focus: m }, "ArrowLeft", "ArrowLeft", "ArrowLeft")), `می${zwnj}ک`);
  const e = persian.indexOf("🙂");
  assert.equal(selected(persian, press(persian, { anchor: e, focus: e }, "ArrowLeft")), "🙂");
});

test("Arabic and Hebrew keyboard selections keep the diacritics", () => {
  assert.equal(selected(arabic, press(arabic, { anchor: 0, focus: 0 }, "ArrowLeft", "ArrowLeft", "ArrowLeft")), "السَّ");
  assert.equal(selected(hebrew, press(hebrew, { anchor: 0, focus: 0 }, "ArrowLeft")), "שָׁ");
  // From the end backwards (Shift+Right in a right-to-left line).
  const end = hebrew.length;
  assert.equal(selected(hebrew, press(hebrew, { anchor: end, focus: end }, ["ArrowRight", "word"])), "פְּעָמִים");
});

test("Shift+End and Shift+Home select to the line's logical end and start", () => {
  const text = `${persian}\n${hebrew}`;
  const at = persian.indexOf("کار");
  assert.equal(selected(text, press(text, { anchor: at, focus: at }, "End")), persian.slice(at));
  assert.equal(selected(text, press(text, { anchor: at, focus: at }, "Home")), persian.slice(0, at));
  // Again at the end: on to the next line's end.
  assert.equal(selected(text, press(text, { anchor: at, focus: at }, "End", "End")), text.slice(at));
  // A direction is the line's: the Hebrew line's arrows are its own.
  const h = persian.length + 1;
  assert.equal(selected(text, press(text, { anchor: h, focus: h }, "ArrowLeft")), "שָׁ");
});

test("offsets in code points for Persian text with an emoji and a ZWNJ", () => {
  const map = new OffsetMap(persian);
  const emoji = persian.indexOf("🙂");
  const after = emoji + 2;
  // Everything before the emoji is in the Basic Multilingual Plane: one unit a code point.
  assert.equal(map.toCodePoint(emoji), emoji);
  assert.equal(map.toCodePoint(after), emoji + 1);
  assert.equal(map.toUtf16(emoji + 1), after);
  // A passage after the emoji: "2023", stored in code points and found back.
  const y = persian.indexOf("2023");
  const stored = { start: map.toCodePoint(y), end: map.toCodePoint(y + 4) };
  assert.deepEqual(stored, { start: [...persian.slice(0, y)].length, end: [...persian.slice(0, y)].length + 4 });
  assert.equal([...persian].slice(stored.start, stored.end).join(""), "2023");
  assert.equal(persian.slice(map.toUtf16(stored.start), map.toUtf16(stored.end)), "2023");
  // The ZWNJ and Arabic marks are one code point and one unit each.
  const arabicMap = new OffsetMap(arabic);
  assert.equal(arabicMap.codePointLength, arabic.length);
  assert.equal(new OffsetMap(hebrew).codePointLength, [...hebrew].length);
});

test("Shift+Down and Shift+Up move to the same character of the next and previous line", () => {
  // Four transcript lines: Persian, English with an emoji, a short one, Hebrew.
  const english = "We met 🙂 in 2023, twice.";
  const short = "OK 🙂";
  const text = [persian, english, short, hebrew].join("\n");
  const second = persian.length + 1;
  const third = second + english.length + 1;
  const fourth = third + short.length + 1;
  // Five characters into the Persian line ("من در"), down: five characters into the next line.
  const five = persian.indexOf(" ", persian.indexOf("در"));
  assert.equal(selected(text, press(text, { anchor: five, focus: five }, "ArrowDown")), `${persian.slice(five)}\nWe me`);
  // The short line has four characters (the emoji is one): Down stops at its end,
  // and one more Down comes to the fifth character of the Hebrew line, its points kept.
  assert.equal(press(text, { anchor: five, focus: five }, "ArrowDown", "ArrowDown").focus, third + short.length);
  const down = press(text, { anchor: five, focus: five }, "ArrowDown", "ArrowDown", "ArrowDown");
  const hebrewFifth = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(hebrew)][5]!.index;
  assert.equal(down.focus, fourth + hebrewFifth);
  // Up is the way back; past the first line, the text's start; past the last, its end.
  assert.equal(press(text, down, "ArrowUp", "ArrowUp", "ArrowUp").focus, five);
  assert.equal(selected(text, press(text, { anchor: five, focus: five }, "ArrowUp")), persian.slice(0, five));
  assert.equal(press(text, { anchor: fourth, focus: fourth }, "ArrowDown").focus, text.length);
  // Down then Up from the anchor selects nothing; a sideways key forgets the column.
  assert.equal(caretSpan(press(text, { anchor: five, focus: five }, "ArrowDown", "ArrowUp")), null);
  assert.equal(press(text, { anchor: five, focus: five }, "ArrowDown", "ArrowRight").column, undefined);
});
