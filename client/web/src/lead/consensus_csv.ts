// The consensus as CSV, in the columns and quoting of `icr consensus --output csv`.
import type { ConsensusCoding } from "./agreement_types";

function field(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

export function consensusCsv(codings: ConsensusCoding[]): string {
  const rows = [["document", "code", "segment", "source", "rationale", "resolved_by"]];
  for (const c of codings) {
    rows.push([c.document, c.code, String(c.segment), c.source, c.rationale, c.resolved_by]);
  }
  return rows.map((row) => row.map(field).join(",")).join("\n") + "\n";
}
