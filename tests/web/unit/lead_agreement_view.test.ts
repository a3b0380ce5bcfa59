// The lead's agreement dashboard and disagreement queue, their logic without
// a browser: bands, matrix, bars, queue order and filters, keys, CSV, tree.
import { test } from "node:test";
import assert from "node:assert/strict";

import { bandClass, bars, formatValue, interpretation, pairMatrix, shadeOf, worstFirst, workText }
  from "../../../client/web/src/lead/agreement_view";
import type { ComputeAgreementResponse, Disagreement } from "../../../client/web/src/lead/agreement_types";
import { coderLabels, decisionsFor, filterQueue, orderQueue, queueKey, rationaleProblem, resolvedText }
  from "../../../client/web/src/lead/queue";
import { consensusCsv } from "../../../client/web/src/lead/consensus_csv";
import { codeTree, flatten, moveTargets } from "../../../client/web/src/lead/codebook_tree";
import { unfinishedPairs } from "../../../client/web/src/lead/advance";
import type { Code } from "../../../client/web/src/types";

function coefficient(name: string, value: number | null) {
  return { name, value, reason: value === null ? "no variation" : "", observed: 0, expected: 0,
    units: "21", pairable_values: "63", variant: "" };
}

function row(key: string, alpha: number | null) {
  return { key, name: key.toUpperCase(), units: "21", pairable_values: "63",
    coefficients: [coefficient("krippendorff_alpha", alpha), coefficient("fleiss_kappa", alpha)],
    warnings: [], influence: [] };
}

const answer: ComputeAgreementResponse = {
  round: "pilot", analysis: "code", level: "nominal", coders: ["alice", "bob", "carol"],
  units: "147", rows: [row("a", 0.9), row("b", 0.5), row("c", null), row("d", 0.7)],
  overall: row("overall", 0.76),
  pairwise: [
    { coder_a: "alice", coder_b: "bob", units: "147", percent_agreement: 0.973,
      cohen_kappa: coefficient("cohen_kappa", 0.897) },
    { coder_a: "bob", coder_b: "carol", units: "147", percent_agreement: 0.912,
      cohen_kappa: coefficient("cohen_kappa", 0.671) },
  ],
  warnings: [], disagreements: "12", resolved: "0", round_state: "OPEN", version: "3",
  compute_micros: "200",
  work: { pairs_counted: "16", pairs_in_progress: "1", pairs_not_started: "1", include_unfinished: false },
};

test("bands: Krippendorff's for alpha, Landis & Koch for kappas, none for percent", () => {
  assert.equal(interpretation("krippendorff_alpha", 0.8), "reliable");
  assert.equal(interpretation("krippendorff_alpha", 0.7999), "tentative");
  assert.equal(interpretation("krippendorff_alpha", 0.667), "tentative");
  assert.equal(interpretation("krippendorff_alpha", 0.666), "unreliable");
  assert.equal(interpretation("fleiss_kappa", 0.759), "substantial");
  assert.equal(interpretation("cohen_kappa", 0.8), "substantial");
  assert.equal(interpretation("cohen_kappa", 0.81), "almost perfect");
  assert.equal(interpretation("gwet_ac1", -0.1), "poor");
  assert.equal(interpretation("percent_agreement", 0.9), "");
  assert.equal(interpretation("krippendorff_alpha", null), "");
  assert.equal(bandClass("fleiss_kappa", 0.9), "band-almost-perfect");
  assert.equal(formatValue(0.7601), "0.760");
  assert.equal(formatValue(null), "undefined");
});

test("the coder-pair matrix is symmetric, with numbers and shades", () => {
  const m = pairMatrix(answer, "cohen_kappa");
  assert.equal(m[0][1].text, "0.897");
  assert.equal(m[1][0].text, "0.897");
  assert.equal(m[1][2].value, 0.671);
  assert.equal(m[0][2].shade, -1);
  assert.equal(m[0][0].value, null);
  assert.equal(m[0][1].shade, 4);
  assert.equal(m[1][2].shade, 3);
  assert.equal(pairMatrix(answer, "percent_agreement")[2][1].text, "0.912");
  assert.deepEqual([0.39, 0.59, 0.666, 0.79, 0.8].map(shadeOf), [0, 1, 2, 3, 4]);
});

test("bars: one per code, the pooled row last; codes worst first, undefined first", () => {
  const b = bars(answer, "krippendorff_alpha");
  assert.deepEqual(b.map((x) => x.name), ["A", "B", "C", "D", "overall"]);
  assert.equal(b[2].value, null);
  assert.deepEqual(worstFirst(answer.rows, "krippendorff_alpha"), ["c", "b", "d", "a"]);
  assert.equal(workText(answer),
    "Counted 16 of 18 coder–document pairs (left out: 1 still in progress, 1 not started).");
});

function disagreement(id: string, code: string, values: Record<string, string>, suggestion = ""): Disagreement {
  const [document, segment] = id.split(":");
  return { id, document, segment, code, domain: "", values, suggestion, start: "0", end: "10" };
}

const items = [
  disagreement("d1:0:a", "a", { alice: "a", bob: "none", carol: "a" }, "a"),
  disagreement("d1:1:b", "b", { alice: "none", bob: "b", carol: "none" }, "none"),
  disagreement("d2:0:c", "c", { alice: "c", bob: "none" }),
  disagreement("d2:1:b", "b", { alice: "b", bob: "b", carol: "none" }, "b"),
];

test("the queue: worst codes first, then document order; filters by code, document, coder", () => {
  const ordered = orderQueue(items, ["c", "b", "d", "a"]);
  assert.deepEqual(ordered.map((d) => d.id), ["d2:0:c", "d1:1:b", "d2:1:b", "d1:0:a"]);
  assert.deepEqual(filterQueue(items, { code: "b" }).map((d) => d.id), ["d1:1:b", "d2:1:b"]);
  assert.deepEqual(filterQueue(items, { document: "d2" }).map((d) => d.id), ["d2:0:c", "d2:1:b"]);
  // carol is outside the majority in d2:1:b only; she gave nothing in d2:0:c.
  assert.deepEqual(filterQueue(items, { coder: "carol" }).map((d) => d.id), ["d2:1:b"]);
  // No majority: every coder of it counts.
  assert.deepEqual(filterQueue(items, { coder: "bob" }).map((d) => d.id), ["d1:0:a", "d1:1:b", "d2:0:c"]);
  const resolved = { ...items[0], resolution: { id: "d1:0:a", document: "d1", segment: "0", code: "a",
    domain: "", value: "a", rationale: "r", resolved_by: "lead", values: {}, replaces: "0" } };
  assert.equal(resolvedText([resolved, items[1]]), "1 of 2 resolved");
  assert.deepEqual(filterQueue([resolved, items[1]], { unresolvedOnly: true }).map((d) => d.id), ["d1:1:b"]);
});

test("decisions: the code or none; a domain's codes or none", () => {
  const name = (id: string) => id.toUpperCase();
  assert.deepEqual(decisionsFor(items[0], name, []).map((d) => d.value), ["a", "none"]);
  const domainItem: Disagreement = { ...items[0], code: "", domain: "sat",
    values: { alice: "high", bob: "low" } };
  assert.deepEqual(decisionsFor(domainItem, name, [{ id: "sat", name: "S", level: "ordinal",
    codes: ["low", "medium", "high"] }]).map((d) => d.value), ["low", "medium", "high", "none"]);
});

test("keys: n/p, 1–9 and Enter; bare keys are text inside the rationale", () => {
  assert.deepEqual(queueKey("n", false, false), { kind: "next" });
  assert.deepEqual(queueKey("p", false, false), { kind: "previous" });
  assert.deepEqual(queueKey("3", false, false), { kind: "choose", index: 2 });
  assert.deepEqual(queueKey("Enter", false, false), { kind: "resolve" });
  assert.equal(queueKey("n", true, false), null);
  assert.equal(queueKey("1", true, false), null);
  assert.equal(queueKey("Enter", true, false), null);
  assert.deepEqual(queueKey("Enter", true, true), { kind: "resolve" });
  assert.equal(queueKey("0", false, false), null);
  assert.notEqual(rationaleProblem("   \n"), null);
  assert.equal(rationaleProblem("the codebook says so"), null);
  assert.deepEqual([...coderLabels(["alice", "bob"], true).values()], ["Coder 1", "Coder 2"]);
});

test("the consensus CSV has the columns and quoting of icr consensus --output csv", () => {
  const csv = consensusCsv([
    { document: "int-01", segment: "0", code: "emotional", source: "agreed", rationale: "",
      resolved_by: "", disagreement: "" },
    { document: "int-02", segment: "3", code: "low", source: "resolved", rationale: 'says "rarely"',
      resolved_by: "lead", disagreement: "int-02:3:domain:satisfaction" },
  ]);
  assert.equal(csv, '"document","code","segment","source","rationale","resolved_by"\n' +
    '"int-01","emotional","0","agreed","",""\n' +
    '"int-02","low","3","resolved","says ""rarely""","lead"\n');
});

function code(id: string, parent = "", state: Code["state"] = "CODE_ACTIVE"): Code {
  return { id, name: id, definition: "", inclusion_criteria: "", exclusion_criteria: "", example: "",
    parent, has_value: false, value: 0, state, merged_into: "", revision: "1", etag: "e", guid: "",
    color: "" };
}

test("the codebook tree: children under parents, merged codes out, no move under itself", () => {
  const codes = [code("support"), code("practical", "support"), code("emotional", "support"),
    code("barriers"), code("time", "barriers"), code("old", "", "CODE_MERGED"), code("deep", "time")];
  const flat = flatten(codeTree(codes));
  assert.deepEqual(flat.map((n) => `${n.depth}:${n.code.id}`),
    ["0:barriers", "1:time", "2:deep", "0:support", "1:emotional", "1:practical"]);
  assert.deepEqual(moveTargets(codes, "barriers").map((c) => c.id).sort(),
    ["emotional", "practical", "support"]);
});

test("an advance refused for unfinished work reads as each coder's documents", () => {
  const parsed = unfinishedPairs("round pilot: 3 (coder, document) pairs are not done: " +
    "alice/int-01 (IN_PROGRESS), alice/int-02 (NOT_STARTED), bob/int-03 (NOT_STARTED) and 2 more; " +
    "set force to advance anyway");
  assert.equal(parsed?.count, 3);
  assert.deepEqual([...parsed!.byCoder.entries()],
    [["alice", [{ document: "int-01", state: "IN_PROGRESS" }, { document: "int-02", state: "NOT_STARTED" }]],
      ["bob", [{ document: "int-03", state: "NOT_STARTED" }]]]);
  assert.equal(parsed?.more, 2);
  assert.equal(unfinishedPairs("round pilot is CLOSED; it cannot advance"), null);
});
