// The audit messages of proto/icr/v1/audit.proto the reviewer's screens read.
import type { Int64 } from "../types";

export interface AuditEventJson {
  project: string;
  seq: Int64;
  time: string;
  actor: string;
  on_behalf_of: string;
  method: string;
  request_id: string;
  result_summary: string;
}

export interface EventRecord {
  seq: Int64;
  event_bytes: string;
  event: AuditEventJson;
  hash: string;
}

export interface ListEventsResponse {
  events: EventRecord[];
  next_page_token: string;
}

export interface SignedTreeHeadJson {
  format: string;
  project: string;
  tree_size: Int64;
  timestamp_ms: Int64;
  root_hash: string;
  signature: string;
  key_id: string;
}

export interface PublicKeyJson {
  public_key_pem: string;
  algorithm: string;
  key_id: string;
}
