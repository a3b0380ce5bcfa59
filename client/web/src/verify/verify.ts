// Verifies an exported audit trail in the browser, as `icr audit verify` does
// (server/audit/export.cc): the hash chain, the Merkle root and the Ed25519
// signature of the head, trusting only the event bytes, the head's signed
// fields and the public key. The first event that fails is named. What it
// finds is data (./findings.ts), written in the interface's language by the
// catalogs.

import { base64ToBytes, bytesToBase64, bytesToHex, concatBytes, equalBytes, EncodingError,
  sha256 } from "./bytes";
import { formatTimestamp, HashedEvent, readAuditEvent, shortMethod, WireError }
  from "./audit_event";
import { ExportedEvent, ExportedHead, ExportedTrail } from "./export_format";
import type { EventRef, Finding } from "./findings";
import { leafHash, merkleRoot } from "./merkle";

export const TREE_HEAD_FORMAT = "icr.tree_head.v1";

export type CheckName = "chain" | "merkle" | "signature" | "kept";

export interface Check {
  name: CheckName;
  /** null: not checked (an earlier failure made it meaningless). */
  ok: boolean | null;
  detail: Finding;
}

export interface Failure {
  /** The event that fails, when one does (1-based seq). */
  seq: number | null;
  finding: Finding;
}

export interface Verification {
  ok: boolean;
  project: string;
  events: number;
  head: ExportedHead | null;
  /** Hex SHA-256 of the raw public key used. */
  keyId: string;
  checks: Check[];
  /** The first failure, in the order of the trail. */
  failure: Failure | null;
}

export class PublicKeyError extends Error {}

export interface PublicKeyInfo {
  key: CryptoKey;
  keyId: string;
}

/** Imports a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) Ed25519 key. */
export async function importPublicKey(pem: string): Promise<PublicKeyInfo> {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) throw new PublicKeyError("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  let der: Uint8Array;
  try {
    der = base64ToBytes(match[1].replace(/\s+/g, ""));
  } catch (error) {
    if (error instanceof EncodingError) throw new PublicKeyError("the PEM block is not base64");
    throw error;
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("spki", der as BufferSource, { name: "Ed25519" }, true, ["verify"]);
  } catch {
    throw new PublicKeyError("not an Ed25519 public key");
  }
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", key));
  return { key, keyId: bytesToHex(await sha256(raw)) };
}

function bigEndian(value: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt(value);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The bytes the head's signature covers (server/audit/signing.h). */
export function treeHeadSignedBytes(head: ExportedHead): Uint8Array {
  const encoder = new TextEncoder();
  const chain = encoder.encode(head.project);
  return concatBytes(encoder.encode(TREE_HEAD_FORMAT), bigEndian(chain.length, 2), chain,
    bigEndian(head.treeSize, 8), bigEndian(head.timestampMs, 8), head.rootHash);
}

/** True when the head's signature verifies with the key (and names it, if it names one). */
export async function verifyHeadSignature(head: ExportedHead, publicKey: PublicKeyInfo): Promise<boolean> {
  if (head.format !== TREE_HEAD_FORMAT) return false;
  if (head.keyId !== "" && head.keyId !== publicKey.keyId) return false;
  return crypto.subtle.verify({ name: "Ed25519" }, publicKey.key, head.signature as BufferSource,
    treeHeadSignedBytes(head) as BufferSource);
}

/** What a finding says of an event: its seq, method, actor and time. */
function eventRef(event: HashedEvent): EventRef {
  return { seq: event.seq, method: shortMethod(event.method), actor: event.actor,
    onBehalfOf: event.onBehalfOf, seconds: event.seconds };
}

interface Difference {
  field: string;
  shown: string;
  hashed: string;
}

function parseTime(text: string): { seconds: number; nanos: number } | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(ms)) return null;
  return { seconds: ms / 1000, nanos: Number((match[2] ?? "").padEnd(9, "0")) };
}

/** The first field where the shown (decoded) event differs from its bytes. */
function shownDifference(shown: Record<string, unknown>, hashed: HashedEvent): Difference | null {
  const text = (name: string): string => {
    const value = shown[name];
    return typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
  };
  const expected: Array<[string, string]> = [
    ["project", hashed.project],
    ["seq", String(hashed.seq)],
    ["actor", hashed.actor],
    ["on_behalf_of", hashed.onBehalfOf],
    ["method", hashed.method],
    ["request_id", hashed.requestId],
    ["result_summary", hashed.resultSummary],
    ["request", bytesToBase64(hashed.request)],
    ["prev_hash", bytesToBase64(hashed.prevHash)],
  ];
  for (const [name, value] of expected) {
    const got = name === "seq" && typeof shown.seq === "number" ? String(shown.seq) : text(name);
    const same = name === "request" || name === "prev_hash"
      ? safeEqualBase64(got, value) : got === value;
    if (!same) return { field: name, shown: got, hashed: value };
  }
  const version = shown.format_version ?? 0;
  if (Number(version) !== hashed.formatVersion) {
    return { field: "format_version", shown: String(version), hashed: String(hashed.formatVersion) };
  }
  const time = parseTime(text("time"));
  if (time === null || time.seconds !== hashed.seconds || time.nanos !== hashed.nanos) {
    return { field: "time", shown: text("time"), hashed: formatTimestamp(hashed.seconds, hashed.nanos) };
  }
  return null;
}

function safeEqualBase64(a: string, b: string): boolean {
  try {
    return equalBytes(base64ToBytes(a), base64ToBytes(b));
  } catch {
    return false;
  }
}

interface ChainOutcome {
  leaves: Uint8Array[];
  project: string;
  failure: Failure | null;
}

async function checkChain(events: ExportedEvent[]): Promise<ChainOutcome> {
  let previous: Uint8Array = new Uint8Array(32);
  let project = "";
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < events.length; i++) {
    const record = events[i];
    const expectedSeq = i + 1;
    const fail = (finding: Finding): ChainOutcome =>
      ({ leaves, project, failure: { seq: expectedSeq, finding } });
    let hashed: HashedEvent;
    try {
      hashed = readAuditEvent(record.bytes);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      return fail({ kind: "unreadable", seq: expectedSeq, place: record.place, reason: error.message });
    }
    const event = eventRef(hashed);
    if (hashed.seq !== expectedSeq) {
      return fail({ kind: "outOfPlace", seq: expectedSeq, place: record.place, found: event });
    }
    if (i === 0) project = hashed.project;
    if (hashed.project !== project) {
      return fail({ kind: "otherProject", event, project: hashed.project, expected: project });
    }
    const hash = await sha256(concatBytes(previous, record.bytes));
    if (!equalBytes(hashed.prevHash, previous)) {
      return fail({ kind: expectedSeq === 1 ? "firstPrevHash" : "notLinked", event });
    }
    if (record.claimedHash !== null && !equalBytes(record.claimedHash, hash)) {
      return fail({ kind: "hashMismatch", event });
    }
    if (record.claimedPrevHash !== null && !equalBytes(record.claimedPrevHash, hashed.prevHash)) {
      return fail({ kind: "shownPrevHash", event });
    }
    const leaf = await leafHash(record.bytes);
    if (record.claimedLeafHash !== null && !equalBytes(record.claimedLeafHash, leaf)) {
      return fail({ kind: "leafHash", event });
    }
    if (record.claimedSeq !== null && record.claimedSeq !== hashed.seq) {
      return fail({ kind: "listedAs", event, listed: record.claimedSeq });
    }
    if (record.shown !== null) {
      const difference = shownDifference(record.shown, hashed);
      if (difference !== null) return fail({ kind: "shownDiffers", event, ...difference });
    }
    leaves.push(leaf);
    previous = hash;
  }
  return { leaves, project, failure: null };
}

/** Verifies `trail` with the server's public key. */
export async function verifyTrail(trail: ExportedTrail, publicKey: PublicKeyInfo,
                                  options: { keptHead?: ExportedHead } = {}): Promise<Verification> {
  const head = trail.head;
  const chain = await checkChain(trail.events);
  const checks: Check[] = [];
  const failures: Failure[] = [];
  if (chain.failure) failures.push(chain.failure);
  checks.push({
    name: "chain",
    ok: chain.failure === null,
    detail: chain.failure === null
      ? { kind: "chainIntact", events: trail.events.length }
      : chain.failure.finding,
  });

  if (head === null) {
    const finding: Finding = { kind: "noHead" };
    failures.push({ seq: null, finding });
    checks.push({ name: "signature", ok: false, detail: finding });
    checks.push({ name: "merkle", ok: null, detail: { kind: "noRoot" } });
  } else {
    let signatureOk = head.format === TREE_HEAD_FORMAT && await crypto.subtle.verify(
      { name: "Ed25519" }, publicKey.key, head.signature as BufferSource,
      treeHeadSignedBytes(head) as BufferSource);
    let detail: Finding = signatureOk
      ? { kind: "signed", keyId: publicKey.keyId, timestampMs: head.timestampMs }
      : head.format !== TREE_HEAD_FORMAT
        ? { kind: "headFormat", format: head.format, expected: TREE_HEAD_FORMAT }
        : { kind: "badSignature" };
    if (signatureOk && head.keyId !== "" && head.keyId !== publicKey.keyId) {
      signatureOk = false;
      detail = { kind: "otherKey", named: head.keyId, keyId: publicKey.keyId };
    }
    if (!signatureOk) failures.push({ seq: null, finding: detail });
    checks.push({ name: "signature", ok: signatureOk, detail });
    checks.push(await checkRoot(trail, head, chain, failures));
  }
  if (options.keptHead) checks.push(await checkKeptHead(options.keptHead, publicKey, chain, failures));
  // An event that fails comes first: it says where the trail was changed.
  failures.sort((a, b) => (a.seq === null ? 1 : 0) - (b.seq === null ? 1 : 0));
  return {
    ok: failures.length === 0,
    project: chain.project || head?.project || "",
    events: trail.events.length,
    head,
    keyId: publicKey.keyId,
    checks,
    failure: failures[0] ?? null,
  };
}

async function checkRoot(trail: ExportedTrail, head: ExportedHead, chain: ChainOutcome,
                         failures: Failure[]): Promise<Check> {
  if (chain.failure !== null) {
    return { name: "merkle", ok: null, detail: { kind: "chainBroken" } };
  }
  if (trail.events.length > 0 && head.project !== chain.project) {
    const detail: Finding = { kind: "headProject", head: head.project, events: chain.project };
    failures.push({ seq: null, finding: detail });
    return { name: "merkle", ok: false, detail };
  }
  const count = trail.events.length;
  if (head.treeSize !== count) {
    const detail: Finding = head.treeSize > count
      ? { kind: "eventsMissing", covered: head.treeSize, count }
      : { kind: "notCovered", covered: head.treeSize };
    failures.push({ seq: Math.min(head.treeSize, count) + 1, finding: detail });
    return { name: "merkle", ok: false, detail };
  }
  const root = await merkleRoot(chain.leaves);
  if (!equalBytes(root, head.rootHash)) {
    const detail: Finding = { kind: "rootMismatch" };
    failures.push({ seq: null, finding: detail });
    return { name: "merkle", ok: false, detail };
  }
  return { name: "merkle", ok: true, detail: { kind: "root", root: bytesToHex(root), events: count } };
}

/**
 * A head kept from earlier (a report's, or one e-mailed away): its signature,
 * and that the export's first tree_size events have its root, i.e. the trail
 * only grew since.
 */
async function checkKeptHead(kept: ExportedHead, publicKey: PublicKeyInfo, chain: ChainOutcome,
                             failures: Failure[]): Promise<Check> {
  const fail = (detail: Finding, seq: number | null = null): Check => {
    failures.push({ seq, finding: detail });
    return { name: "kept", ok: false, detail };
  };
  if (!await verifyHeadSignature(kept, publicKey)) return fail({ kind: "keptBadSignature" });
  if (chain.failure !== null) return { name: "kept", ok: null, detail: { kind: "chainBroken" } };
  if (kept.project !== chain.project) {
    return fail({ kind: "keptProject", kept: kept.project, events: chain.project });
  }
  if (kept.treeSize > chain.leaves.length) {
    return fail({ kind: "shrank", covered: kept.treeSize, count: chain.leaves.length },
      chain.leaves.length + 1);
  }
  const root = await merkleRoot(chain.leaves.slice(0, kept.treeSize));
  if (!equalBytes(root, kept.rootHash)) return fail({ kind: "keptRewritten", covered: kept.treeSize });
  return { name: "kept", ok: true,
    detail: { kind: "grew", covered: kept.treeSize, timestampMs: kept.timestampMs } };
}
