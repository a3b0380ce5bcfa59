// The codebook tree and its filter (client/web/src/coder/codebook.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { applicableCodes, codeTree, filterCodes } from "../../../client/web/src/coder/codebook";
import type { Code } from "../../../client/web/src/types";

function code(id: string, name: string, parent = "", extra: Partial<Code> = {}): Code {
  return {
    id, name, parent, definition: "", inclusion_criteria: "", exclusion_criteria: "", example: "",
    has_value: false, value: 0, state: "CODE_ACTIVE", merged_into: "", revision: "1", etag: "", guid: "", color: "",
    ...extra,
  };
}

const codes = [
  code("support", "Support"),
  code("avail", "Availability", "support"),
  code("advice", "Advice", "support"),
  code("feel", "Feelings"),
  code("neg", "Négative emotion", "feel"),
  code("old", "Old", "feel", { state: "CODE_MERGED" }),
  code("loop-a", "Loop A", "loop-b"),
  code("loop-b", "Loop B", "loop-a"),
];

test("the tree lists parents before children, siblings by name, numbered in order", () => {
  const tree = codeTree(codes);
  assert.deepEqual(
    tree.map((e) => `${e.number}:${"  ".repeat(e.depth)}${e.code.name}`),
    ["1:Feelings", "2:  Négative emotion", "3:Support", "4:  Advice", "5:  Availability", "6:Loop A", "7:  Loop B"],
  );
  assert.deepEqual(tree[4]!.path, ["Support"]);
  assert.ok(tree.every((e) => /^#[0-9a-f]{6}$/i.test(e.color)));
});

test("merged codes are left out, a code's own colour is kept", () => {
  const tree = codeTree([code("a", "A", "", { color: "#112233" }), code("b", "B", "", { state: "CODE_MERGED" })]);
  assert.deepEqual(tree.map((e) => [e.code.id, e.color]), [["a", "#112233"]]);
});

test("the filter matches words of the name, id or category, ignoring accents and case", () => {
  const tree = codeTree(codes);
  assert.deepEqual(filterCodes(tree, "negative").map((e) => e.code.id), ["neg"]);
  assert.deepEqual(filterCodes(tree, "SUPP").map((e) => e.code.id), ["support", "advice", "avail"]);
  assert.deepEqual(filterCodes(tree, "support av").map((e) => e.code.id), ["avail"]);
  assert.equal(filterCodes(tree, "  ").length, tree.length);
  assert.deepEqual(filterCodes(tree, "zzz"), []);
});

test("a grouping code stays in the tree as a heading but is not applicable", () => {
  const grouping = { ...code("themes", "Themes"), grouping_only: true } as Code;
  const tree = codeTree([grouping, code("joy", "Joy", "themes"), code("fear", "Fear", "themes")]);
  assert.deepEqual(tree.map((e) => [e.code.id, e.grouping]), [["themes", true], ["fear", false], ["joy", false]]);
  assert.deepEqual(applicableCodes(tree).map((e) => e.code.id), ["fear", "joy"]);
  // Filtering by the grouping code's name finds the codes under it.
  assert.deepEqual(applicableCodes(filterCodes(tree, "themes")).map((e) => e.code.id), ["fear", "joy"]);
});
