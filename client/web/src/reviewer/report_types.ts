// The JSON form of the trustworthiness report (server/report/report_json.cc),
// the parts the app draws.
export interface ReportCoefficient {
  name: string;
  defined: boolean;
  value?: number | null;
  reason: string;
  ci?: { defined: boolean; low?: number; high?: number; confidence: number; samples: number };
}

export interface ReportRow {
  /** The code (or domain) the row is about, as the report names it. */
  label: string;
  units: number;
  coefficients: ReportCoefficient[];
}

export interface ReportRound {
  id: string;
  title: string;
  state: string;
  blind: boolean;
  coders: string[];
  documents: string[];
  codebook_revision: number;
  methods?: { paragraph: string; references: Array<{ key: string; apa: string }> };
  agreement?: {
    units: number;
    coefficients: string[];
    interval: string;
    bootstrap: number;
    disagreements: number;
    resolved: number;
    independent: { rows: ReportRow[]; overall?: ReportRow | null };
    pairwise: Array<{ coder_a: string; coder_b: string; value?: number | null }>;
    pairwise_coefficient: string;
    /** A lead's resolutions that made a code apply (unit: "segment N", N from 0). */
    resolutions: Array<{ document: string; unit: string; code: string; final_value: string; rationale: string; resolved_by: string }>;
  } | null;
}

export interface ReportJson {
  project: string;
  title: string;
  generated_time: string;
  audit_head: { line: Record<string, unknown>; tree_size: number; root_hash: string; key_id: string };
  team: Array<{ user: string; role: string; codings_submitted: number; rounds: string[] }>;
  codebook: { revision: number; codes: Array<{ id: string }>;
    changes: Array<{ seq: number; time: string; actor: string; summary: string }> };
  rounds: ReportRound[];
  verification: string;
}
