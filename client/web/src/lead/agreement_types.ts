// The messages of proto/icr/v1/agreement.proto the lead's screens read, as the
// JSON API prints them (int64 as strings, optional doubles absent or null).
import type { Int64 } from "../types";

export interface BootstrapInterval {
  low: number;
  high: number;
  confidence: number;
  samples: number;
  undefined_reason: string;
}

export interface Coefficient {
  name: string;
  value?: number | null;
  reason: string;
  observed: number;
  expected: number;
  units: Int64;
  pairable_values: Int64;
  variant: string;
  ci?: BootstrapInterval;
  p_below_min?: number | null;
}

export interface AgreementWarning {
  kind: string;
  subject: string;
  message: string;
}

export interface CoderInfluence {
  coder: string;
  alpha_without?: number | null;
  change?: number | null;
}

export interface AgreementRow {
  key: string;
  name: string;
  units: Int64;
  pairable_values: Int64;
  coefficients: Coefficient[];
  warnings: AgreementWarning[];
  influence: CoderInfluence[];
}

export interface PairwiseRow {
  coder_a: string;
  coder_b: string;
  units: Int64;
  percent_agreement?: number | null;
  cohen_kappa?: Coefficient;
}

export interface WorkCounted {
  pairs_counted: Int64;
  pairs_in_progress: Int64;
  pairs_not_started: Int64;
  include_unfinished: boolean;
}

export interface ComputeAgreementResponse {
  round: string;
  analysis: string;
  level: string;
  coders: string[];
  units: Int64;
  rows: AgreementRow[];
  overall?: AgreementRow;
  pairwise: PairwiseRow[];
  warnings: AgreementWarning[];
  disagreements: Int64;
  resolved: Int64;
  round_state: string;
  version: Int64;
  compute_micros: Int64;
  work?: WorkCounted;
}

export interface Resolution {
  id: string;
  document: string;
  segment: Int64;
  code: string;
  domain: string;
  value: string;
  rationale: string;
  resolved_by: string;
  resolve_time?: string;
  values: Record<string, string>;
  replaces: Int64;
}

export interface Disagreement {
  id: string;
  document: string;
  segment: Int64;
  code: string;
  domain: string;
  values: Record<string, string>;
  suggestion: string;
  resolution?: Resolution;
  start: Int64;
  end: Int64;
}

export interface ListDisagreementsResponse {
  disagreements: Disagreement[];
  next_page_token: string;
  work?: WorkCounted;
}

export interface ConsensusCoding {
  document: string;
  segment: Int64;
  code: string;
  source: string;
  rationale: string;
  resolved_by: string;
  disagreement: string;
}

export interface GetConsensusResponse {
  round: string;
  codings: ConsensusCoding[];
  unresolved: string[];
  resolved: Int64;
  work?: WorkCounted;
}

export interface Domain {
  id: string;
  name: string;
  level: string;
  codes: string[];
}
