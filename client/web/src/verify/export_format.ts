// Reads an exported audit trail in either of its two forms:
//  - the JSON API's `GET /v1/projects/{p}/events:export`: a JSON array of
//    ExportAuditResponse messages (EventRecord events, bytes in base64, the
//    SignedTreeHead in the last message);
//  - the CLI's `icr audit export` JSON Lines (hashes in hex, a "head" line last).
// Only the event bytes and the head's signed fields are trusted by the
// verifier; the rest is kept so it can be checked against them.

import { base64ToBytes, EncodingError, hexToBytes } from "./bytes";

export interface ExportedEvent {
  /** Where it is in the file, for messages: "message 1, event 3" or "line 3". */
  where: string;
  /** The same, as numbers (1-based), for a message in the interface's language. */
  place: EventPlace;
  /** The seq the file claims (the bytes decide). */
  claimedSeq: number | null;
  bytes: Uint8Array;
  /** Hash the file claims: SHA-256(prev_hash || bytes). */
  claimedHash: Uint8Array | null;
  claimedPrevHash: Uint8Array | null;
  claimedLeafHash: Uint8Array | null;
  /** The decoded AuditEvent as the file shows it (protobuf JSON), if any. */
  shown: Record<string, unknown> | null;
}

/** An event's place in an export: the API's message and event, or the JSON Lines line. */
export type EventPlace = { message: number; event: number } | { line: number };

export interface ExportedHead {
  where: string;
  format: string;
  project: string;
  treeSize: number;
  timestampMs: number;
  rootHash: Uint8Array;
  signature: Uint8Array;
  keyId: string;
}

export interface ExportedTrail {
  form: "json-api" | "json-lines";
  events: ExportedEvent[];
  head: ExportedHead | null;
}

/** The file cannot be read as an export at all (not a verification failure). */
export class ExportFormatError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function integer(value: unknown, what: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new ExportFormatError(`${what} must be a non-negative integer`);
  }
  return n;
}

function bytesField(value: unknown, what: string, decode: (s: string) => Uint8Array,
                    size?: number): Uint8Array {
  if (typeof value !== "string") throw new ExportFormatError(`${what} is missing`);
  let bytes: Uint8Array;
  try {
    bytes = decode(value);
  } catch (error) {
    if (error instanceof EncodingError) throw new ExportFormatError(`${what}: ${error.message}`);
    throw error;
  }
  if (size !== undefined && bytes.length !== size) {
    throw new ExportFormatError(`${what} must be ${size} bytes, not ${bytes.length}`);
  }
  return bytes;
}

function optionalBytes(value: unknown, what: string, decode: (s: string) => Uint8Array):
    Uint8Array | null {
  return value === undefined || value === null ? null : bytesField(value, what, decode, 32);
}

function readHead(line: Json, where: string, decode: (s: string) => Uint8Array): ExportedHead {
  return {
    where,
    format: typeof line.format === "string" ? line.format : "",
    project: typeof line.project === "string" ? line.project : "",
    treeSize: integer(line.tree_size ?? 0, `${where}: tree_size`),
    timestampMs: integer(line.timestamp_ms ?? 0, `${where}: timestamp_ms`),
    rootHash: bytesField(line.root_hash, `${where}: root_hash`, decode, 32),
    signature: bytesField(line.signature, `${where}: signature`, decode, 64),
    keyId: typeof line.key_id === "string" ? line.key_id : "",
  };
}

function readApiExport(messages: unknown[]): ExportedTrail {
  const trail: ExportedTrail = { form: "json-api", events: [], head: null };
  messages.forEach((message, m) => {
    const at = `message ${m + 1}`;
    if (!isObject(message)) throw new ExportFormatError(`${at} is not a JSON object`);
    if (trail.head !== null) throw new ExportFormatError(`${at} comes after the signed head`);
    const events = message.events ?? [];
    if (!Array.isArray(events)) throw new ExportFormatError(`${at}: events is not a list`);
    events.forEach((record, e) => {
      const where = `${at}, event ${e + 1}`;
      if (!isObject(record)) throw new ExportFormatError(`${where} is not a JSON object`);
      const shown = isObject(record.event) ? record.event : null;
      trail.events.push({
        where,
        place: { message: m + 1, event: e + 1 },
        claimedSeq: record.seq === undefined ? null : integer(record.seq, `${where}: seq`),
        bytes: bytesField(record.event_bytes, `${where}: event_bytes`, base64ToBytes),
        claimedHash: optionalBytes(record.hash, `${where}: hash`, base64ToBytes),
        claimedPrevHash: shown === null ? null
            : optionalBytes(shown.prev_hash, `${where}: event.prev_hash`, base64ToBytes),
        claimedLeafHash: null,
        shown,
      });
    });
    if (isObject(message.head)) trail.head = readHead(message.head, at, base64ToBytes);
  });
  return trail;
}

function readJsonLines(text: string): ExportedTrail {
  const trail: ExportedTrail = { form: "json-lines", events: [], head: null };
  text.split("\n").forEach((raw, i) => {
    const where = `line ${i + 1}`;
    if (raw.trim() === "") return;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      throw new ExportFormatError(`${where} is not JSON (truncated or damaged?)`);
    }
    if (!isObject(line)) throw new ExportFormatError(`${where} is not a JSON object`);
    if (trail.head !== null) throw new ExportFormatError(`${where} comes after the signed head`);
    if (line.type === "head") {
      trail.head = readHead(line, where, hexToBytes);
      return;
    }
    if (line.type !== "event") throw new ExportFormatError(`${where}: type must be event or head`);
    trail.events.push({
      where,
      place: { line: i + 1 },
      claimedSeq: line.seq === undefined ? null : integer(line.seq, `${where}: seq`),
      bytes: bytesField(line.event_bytes, `${where}: event_bytes`, base64ToBytes),
      claimedHash: optionalBytes(line.hash, `${where}: hash`, hexToBytes),
      claimedPrevHash: optionalBytes(line.prev_hash, `${where}: prev_hash`, hexToBytes),
      claimedLeafHash: optionalBytes(line.leaf_hash, `${where}: leaf_hash`, hexToBytes),
      shown: isObject(line.event) ? line.event : null,
    });
  });
  return trail;
}

/**
 * A signed head on its own: a head line of the CLI or the report (hex), or
 * the API's SignedTreeHead (base64). Throws ExportFormatError.
 */
export function readSignedHead(value: unknown, where = "the head"): ExportedHead {
  if (!isObject(value)) throw new ExportFormatError(`${where} is not a JSON object`);
  const hex = typeof value.root_hash === "string" && /^[0-9a-fA-F]{64}$/.test(value.root_hash);
  return readHead(value, where, hex ? hexToBytes : base64ToBytes);
}

/** Parses either form; throws ExportFormatError when it is neither. */
export function readExport(text: string): ExportedTrail {
  const start = text.trimStart();
  if (start.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(start);
    } catch {
      throw new ExportFormatError("the file is not JSON (truncated or damaged?)");
    }
    if (!Array.isArray(parsed)) throw new ExportFormatError("the export is not a JSON array");
    return readApiExport(parsed);
  }
  if (start.startsWith("{")) return readJsonLines(text);
  throw new ExportFormatError("this is not an icr audit export (JSON array or JSON Lines)");
}
