// Verifies an exported audit trail in the browser, as `icr audit verify` does
// (server/audit/export.cc): the hash chain, the Merkle root and the Ed25519
// signature of the head, trusting only the event bytes, the head's signed
// fields and the public key. The first event that fails is named.

import { base64ToBytes, bytesToBase64, bytesToHex, concatBytes, equalBytes, EncodingError,
  sha256 } from "./bytes";
import { formatTimestamp, HashedEvent, readAuditEvent, shortMethod, WireError }
  from "./audit_event";
import { ExportedEvent, ExportedHead, ExportedTrail } from "./export_format";
import { leafHash, merkleRoot } from "./merkle";

export const TREE_HEAD_FORMAT = "icr.tree_head.v1";

export type CheckName = "chain" | "merkle" | "signature" | "kept";

export interface Check {
  name: CheckName;
  /** null: not checked (an earlier failure made it meaningless). */
  ok: boolean | null;
  detail: string;
}

export interface Failure {
  /** The event that fails, when one does (1-based seq). */
  seq: number | null;
  message: string;
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

/** "SubmitCodings by bob, 2026-12-02 01:24:43 UTC". */
export function describeEvent(event: HashedEvent): string {
  const who = event.onBehalfOf ? `${event.actor} for ${event.onBehalfOf}` : event.actor;
  const when = formatTimestamp(event.seconds, 0).replace("T", " ").replace("Z", " UTC");
  return `${shortMethod(event.method) || "an event"} by ${who || "nobody"}, ${when}`;
}

function parseTime(text: string): { seconds: number; nanos: number } | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(ms)) return null;
  return { seconds: ms / 1000, nanos: Number((match[2] ?? "").padEnd(9, "0")) };
}

/** The first field where the shown (decoded) event differs from its bytes. */
function shownDifference(shown: Record<string, unknown>, hashed: HashedEvent): string | null {
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
    if (!same) return `${name} reads ${JSON.stringify(got)}, the hashed bytes hold ${JSON.stringify(value)}`;
  }
  const version = shown.format_version ?? 0;
  if (Number(version) !== hashed.formatVersion) return "format_version differs";
  const time = parseTime(text("time"));
  if (time === null || time.seconds !== hashed.seconds || time.nanos !== hashed.nanos) {
    return `time reads ${JSON.stringify(text("time"))}, the hashed bytes hold ` +
      `"${formatTimestamp(hashed.seconds, hashed.nanos)}"`;
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
    const fail = (message: string, seq: number | null = expectedSeq): ChainOutcome =>
      ({ leaves, project, failure: { seq, message } });
    let hashed: HashedEvent;
    try {
      hashed = readAuditEvent(record.bytes);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      return fail(`event ${expectedSeq} (${record.where}) cannot be read: its bytes are ` +
        `damaged (${error.message}): the trail was changed at or after this event`);
    }
    const name = `event ${hashed.seq} (${describeEvent(hashed)})`;
    if (hashed.seq !== expectedSeq) {
      return fail(`event ${expectedSeq} expected at ${record.where}, but its bytes hold ` +
        `${name}: an event was removed, inserted, duplicated or moved`);
    }
    if (i === 0) project = hashed.project;
    if (hashed.project !== project) {
      return fail(`${name} belongs to project "${hashed.project}", not "${project}"`);
    }
    const hash = await sha256(concatBytes(previous, record.bytes));
    if (!equalBytes(hashed.prevHash, previous)) {
      return fail(expectedSeq === 1
        ? `${name}: its prev_hash is not 32 zero bytes, as the first event's must be`
        : `${name} does not follow event ${expectedSeq - 1}: its prev_hash is not that ` +
          `event's hash (an event before it was changed, or this one)`);
    }
    if (record.claimedHash !== null && !equalBytes(record.claimedHash, hash)) {
      return fail(`${name} does not match its hash: the trail was changed at or after this event`);
    }
    if (record.claimedPrevHash !== null && !equalBytes(record.claimedPrevHash, hashed.prevHash)) {
      return fail(`${name}: the prev_hash shown differs from the one in its hashed bytes`);
    }
    const leaf = await leafHash(record.bytes);
    if (record.claimedLeafHash !== null && !equalBytes(record.claimedLeafHash, leaf)) {
      return fail(`${name}: its leaf_hash is not SHA-256(0x00 || event bytes)`);
    }
    if (record.claimedSeq !== null && record.claimedSeq !== hashed.seq) {
      return fail(`${name} is listed as event ${record.claimedSeq}`);
    }
    if (record.shown !== null) {
      const difference = shownDifference(record.shown, hashed);
      if (difference !== null) {
        return fail(`${name}: what the trail shows is not what was hashed (${difference})`);
      }
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
      ? `${trail.events.length} events, each linked to the one before by its hash`
      : chain.failure.message,
  });

  if (head === null) {
    const message = "the export has no signed head at its end (was it cut short?)";
    failures.push({ seq: null, message });
    checks.push({ name: "signature", ok: false, detail: message });
    checks.push({ name: "merkle", ok: null, detail: "no signed root to compare with" });
  } else {
    let signatureOk = head.format === TREE_HEAD_FORMAT && await crypto.subtle.verify(
      { name: "Ed25519" }, publicKey.key, head.signature as BufferSource,
      treeHeadSignedBytes(head) as BufferSource);
    let detail = signatureOk
      ? `signed by key ${publicKey.keyId} at ${new Date(head.timestampMs).toISOString()}`
      : head.format !== TREE_HEAD_FORMAT
        ? `the head's format is "${head.format}", not "${TREE_HEAD_FORMAT}"`
        : "the head's signature does not verify with this public key (the head was changed, " +
          "or another server signed it)";
    if (signatureOk && head.keyId !== "" && head.keyId !== publicKey.keyId) {
      signatureOk = false;
      detail = `the head names key ${head.keyId}, not this public key (${publicKey.keyId})`;
    }
    if (!signatureOk) failures.push({ seq: null, message: detail });
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
    return { name: "merkle", ok: null, detail: "not checked: the chain is broken" };
  }
  if (trail.events.length > 0 && head.project !== chain.project) {
    const detail = `the head is for project "${head.project}", the events for "${chain.project}"`;
    failures.push({ seq: null, message: detail });
    return { name: "merkle", ok: false, detail };
  }
  const count = trail.events.length;
  if (head.treeSize !== count) {
    const detail = head.treeSize > count
      ? `events missing: the signed head covers ${head.treeSize} events, the export has ${count}`
      : `event ${head.treeSize + 1} and after are not covered by the signed head, which ` +
        `covers ${head.treeSize} events`;
    failures.push({ seq: Math.min(head.treeSize, count) + 1, message: detail });
    return { name: "merkle", ok: false, detail };
  }
  const root = await merkleRoot(chain.leaves);
  if (!equalBytes(root, head.rootHash)) {
    const detail = "the Merkle root of the events is not the signed root: the events were " +
      "rewritten and re-chained";
    failures.push({ seq: null, message: detail });
    return { name: "merkle", ok: false, detail };
  }
  return { name: "merkle", ok: true, detail: `root ${bytesToHex(root)} over ${count} events` };
}

/**
 * A head kept from earlier (a report's, or one e-mailed away): its signature,
 * and that the export's first tree_size events have its root, i.e. the trail
 * only grew since.
 */
async function checkKeptHead(kept: ExportedHead, publicKey: PublicKeyInfo, chain: ChainOutcome,
                             failures: Failure[]): Promise<Check> {
  const fail = (detail: string, seq: number | null = null): Check => {
    failures.push({ seq, message: detail });
    return { name: "kept", ok: false, detail };
  };
  if (!await verifyHeadSignature(kept, publicKey)) {
    return fail("the kept head's signature does not verify with this public key");
  }
  if (chain.failure !== null) return { name: "kept", ok: null, detail: "not checked: the chain is broken" };
  if (kept.project !== chain.project) {
    return fail(`the kept head is for project "${kept.project}", the export for "${chain.project}"`);
  }
  if (kept.treeSize > chain.leaves.length) {
    return fail(`the kept head covers ${kept.treeSize} events, the export only ` +
      `${chain.leaves.length}: the trail shrank`, chain.leaves.length + 1);
  }
  const root = await merkleRoot(chain.leaves.slice(0, kept.treeSize));
  if (!equalBytes(root, kept.rootHash)) {
    return fail(`the first ${kept.treeSize} events of the export do not have the kept head's root: ` +
      "the trail was rewritten before the kept head");
  }
  return { name: "kept", ok: true,
    detail: `the first ${kept.treeSize} events are those the kept head of ` +
      `${new Date(kept.timestampMs).toISOString()} signed: the trail only grew since` };
}
