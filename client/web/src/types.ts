// The messages of proto/icr/v1/*.proto as the JSON API prints them
// (proto field names, every primitive printed, int64 as strings, enums by name).
// Only the fields the app reads are listed; add more as screens need them.

export type Int64 = string;

export interface User {
  id: string;
  display_name: string;
  role: "SERVER_ROLE_UNSPECIFIED" | "USER" | "ADMIN";
  create_time?: string;
}

export interface Project {
  id: string;
  title: string;
  description: string;
  blind_by_default: boolean;
  codebook_revision: Int64;
  create_time?: string;
  etag: string;
  // Units by speaker: only these speakers' turns, none of these.
  speakers?: string[];
  exclude_speakers?: string[];
}

export type MemberRole = "MEMBER_ROLE_UNSPECIFIED" | "OWNER" | "LEAD" | "CODER" | "REVIEWER";

export interface Member {
  project: string;
  user: string;
  role: MemberRole;
}

export interface Code {
  id: string;
  name: string;
  definition: string;
  inclusion_criteria: string;
  exclusion_criteria: string;
  example: string;
  parent: string;
  has_value: boolean;
  value: number;
  state: "CODE_STATE_UNSPECIFIED" | "CODE_ACTIVE" | "CODE_MERGED";
  merged_into: string;
  revision: Int64;
  etag: string;
  guid: string;
  // Only groups the codes under it (REFI-QDA's isCodable="false"): the
  // server refuses a coding of it.
  grouping_only?: boolean;
  color: string;
}

export interface Segment {
  start: Int64;
  end: Int64;
  // A speaker turn's speaker, and a timed transcript's times.
  speaker?: string;
  start_ms?: Int64;
  end_ms?: Int64;
}

export interface Document {
  id: string;
  title: string;
  sha256: string;
  length_code_points: Int64;
  length_utf16_units: Int64;
  length_bytes: Int64;
  segmentation: string;
  segments: Segment[];
  offset_unit: "CODE_POINTS" | "UTF16_UNITS" | "UTF8_BYTES";
  text: string;
  create_time?: string;
  // The file the text was extracted from, when there was one.
  original_sha256?: string;
  original_format?: string;
  original_bytes?: Int64;
  extraction_tool?: string;
}

export type RoundState = "ROUND_STATE_UNSPECIFIED" | "OPEN" | "RECONCILING" | "CLOSED";

export interface Round {
  id: string;
  title: string;
  documents: string[];
  coders: string[];
  blind: boolean;
  state: RoundState;
  codebook_revision: Int64;
  create_time?: string;
  etag: string;
}

export type ProgressState = "PROGRESS_STATE_UNSPECIFIED" | "NOT_STARTED" | "IN_PROGRESS" | "DONE";

export interface DocumentProgress {
  coder: string;
  document: string;
  state: ProgressState;
  update_time?: string;
  updated_by: string;
}

export interface CoderProgress {
  coder: string;
  documents: number;
  done: number;
  in_progress: number;
  not_started: number;
}

export interface ListProgressResponse {
  progress: DocumentProgress[];
  coders: CoderProgress[];
}

export interface Coding {
  id: string;
  round: string;
  coder: string;
  document: string;
  code: string;
  segment?: Int64;
  span?: Segment;
  memo: string;
  codebook_revision: Int64;
  create_time?: string;
  state: "CODING_STATE_UNSPECIFIED" | "ACTIVE" | "RETRACTED";
  submitted_by: string;
  retract_reason: string;
  retracted_by: string;
}

/** One event of /v1/projects/{p}/stream. */
export interface ChangeEvent {
  seq: Int64;
  time: string;
  kind: string;
  round?: string;
  document?: string;
  coder?: string;
  method?: string;
}
