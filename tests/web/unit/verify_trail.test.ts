// The in-browser trail verifier (client/web/src/verify/) against a real
// exported trail of the demo study (tests/data/web/, made by
// tests/data/web/make_trail_fixtures.sh with the real server and CLI), and
// copies of it changed in one place each.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { base64ToBytes, bytesToBase64, concatBytes, sha256 } from "../../../client/web/src/verify/bytes";
import { readExport, ExportFormatError } from "../../../client/web/src/verify/export_format";
import { importPublicKey, verifyTrail, PublicKeyError, type Verification } from "../../../client/web/src/verify/verify";
import { writeFinding, type Finding } from "../../../client/web/src/verify/findings";
import { review } from "../../../client/web/src/i18n/en_review";
import { reviewFa } from "../../../client/web/src/i18n/fa_review";
import { locale } from "../../../client/web/src/i18n/format";

/** tests/data/web of the source tree, found upwards from the working directory. */
function dataDir(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, "tests/data/web");
    if (existsSync(join(candidate, "demo-trail.jsonl"))) return candidate;
    if (dirname(dir) === dir) throw new Error("tests/data/web not found above " + process.cwd());
  }
}

const DATA = dataDir();
const pem = readFileSync(join(DATA, "demo-public-key.pem"), "utf8");
const jsonLines = readFileSync(join(DATA, "demo-trail.jsonl"), "utf8");
const apiExport = readFileSync(join(DATA, "demo-trail-api.json"), "utf8");

type Message = { events?: Array<Record<string, any>>; head?: Record<string, any> };

function apiMessages(): Message[] {
  return JSON.parse(apiExport) as Message[];
}

function allEvents(messages: Message[]): Array<Record<string, any>> {
  return messages.flatMap((m) => m.events ?? []);
}

/** The first failure as the English interface writes it. */
function message(result: Verification): string {
  return result.failure ? writeFinding(review.verification.findings, result.failure.finding) : "";
}

/** The event a finding names, if it names one. */
function eventOf(finding: Finding | undefined) {
  return finding && "event" in finding ? finding.event : undefined;
}

async function verify(text: string, key = pem) {
  return verifyTrail(readExport(text), await importPublicKey(key));
}

/** Changes one byte of an event's hashed bytes: one letter of its result summary. */
function changeOneByte(record: Record<string, any>): void {
  const bytes = base64ToBytes(record.event_bytes);
  const summary = new TextEncoder().encode(record.event.result_summary as string);
  let at = -1;
  for (let i = 0; i + summary.length <= bytes.length && at < 0; i++) {
    if (summary.every((b, j) => bytes[i + j] === b)) at = i;
  }
  assert.ok(at >= 0, "the summary is in the event bytes");
  bytes[at] ^= 0x01;
  record.event_bytes = bytesToBase64(bytes);
}

test("a real export from the JSON API verifies: chain, Merkle root and signature", async () => {
  const result = await verify(apiExport);
  assert.equal(result.failure, null);
  assert.equal(result.ok, true);
  assert.equal(result.project, "demo");
  assert.equal(result.events, 42);
  assert.deepEqual(result.checks.map((c) => [c.name, c.ok]),
    [["chain", true], ["signature", true], ["merkle", true]]);
  assert.equal(result.keyId, result.head?.keyId);
});

test("the CLI's JSON Lines export of the same trail verifies too", async () => {
  const result = await verify(jsonLines);
  assert.equal(result.ok, true, message(result));
  assert.equal(result.events, 42);
});

test("one byte of one event changed: that event is named, by method, actor and time", async () => {
  const messages = apiMessages();
  const record = allEvents(messages)[28];  // event 29, bob's SubmitCodings
  changeOneByte(record);
  const result = await verify(JSON.stringify(messages));
  assert.equal(result.ok, false);
  assert.equal(result.failure?.seq, 29);
  assert.equal(result.failure?.finding.kind, "hashMismatch");
  assert.deepEqual({ ...eventOf(result.failure?.finding), seconds: 0 },
    { seq: 29, method: "SubmitCodings", actor: "bob", onBehalfOf: "", seconds: 0 });
  assert.match(message(result),
    /^event 29 \(SubmitCodings by bob, 2026-\d\d-\d\d \d\d:\d\d:\d\d UTC\) does not match its hash: the trail was changed at or after this event$/);
  assert.equal(result.checks[0].ok, false);
  assert.equal(result.checks.find((c) => c.name === "signature")?.ok, true);
  // The Persian interface names the same event, its number in Persian digits
  // and the method and time kept left to right.
  locale.value = "fa";
  try {
    assert.match(writeFinding(reviewFa.verification.findings, result.failure!.finding),
      /^رویداد ۲۹ \(\u2066SubmitCodings\u2069 از \u2068bob\u2069، \u20662026-\d\d-\d\d \d\d:\d\d:\d\d UTC\u2069\) با هش خود نمی‌خواند/);
  } finally {
    locale.value = "en";
  }
});

test("the same change in the JSON Lines form names the same event", async () => {
  const lines = jsonLines.trim().split("\n").map((l) => JSON.parse(l));
  changeOneByte(lines[28]);
  const result = await verify(lines.map((l) => JSON.stringify(l)).join("\n"));
  assert.equal(result.failure?.seq, 29);
  assert.equal(result.failure?.finding.kind, "hashMismatch");
  assert.equal(eventOf(result.failure?.finding)?.actor, "bob");
  assert.match(message(result), /does not match its hash/);
});

test("a changed event re-chained with fresh hashes fails at the Merkle root", async () => {
  const messages = apiMessages();
  const events = allEvents(messages);
  changeOneByte(events[9]);
  // Recompute the chain from event 10 on: each event's prev_hash is inside its
  // bytes, as the last field (11, 32 bytes): rewrite it and the hash.
  let previous = base64ToBytes(events[8].hash);
  for (const record of events.slice(9)) {
    const bytes = base64ToBytes(record.event_bytes);
    bytes.set(previous, bytes.length - 32);
    record.event_bytes = bytesToBase64(bytes);
    record.event.prev_hash = bytesToBase64(previous);
    previous = await sha256(concatBytes(previous, bytes));
    record.hash = bytesToBase64(previous);
  }
  // ... and the decoded event shows the changed summary, so only the root can tell.
  const summary = events[9].event.result_summary as string;
  events[9].event.result_summary = String.fromCharCode(summary.charCodeAt(0) ^ 1) + summary.slice(1);
  const result = await verify(JSON.stringify(messages));
  assert.equal(result.ok, false);
  assert.deepEqual(result.checks.map((c) => [c.name, c.ok]),
    [["chain", true], ["signature", true], ["merkle", false]]);
  assert.equal(result.failure?.finding.kind, "rootMismatch");
  assert.match(message(result), /Merkle root of the events is not the signed root/);
});

test("the decoded event changed but not its bytes: named as not what was hashed", async () => {
  const messages = apiMessages();
  allEvents(messages)[21].event.actor = "carol";
  const result = await verify(JSON.stringify(messages));
  assert.equal(result.failure?.seq, 22);
  assert.deepEqual(result.failure?.finding.kind === "shownDiffers" &&
    [result.failure.finding.event.seq, result.failure.finding.field, result.failure.finding.shown,
      result.failure.finding.hashed], [22, "actor", "carol", "alice"]);
  assert.match(message(result),
    /^event 22 \(SubmitCodings by alice, .*\): what the trail shows is not what was hashed \(actor reads "carol", the hashed bytes hold "alice"\)$/);
});

test("a changed signature is refused; the events themselves are intact", async () => {
  const messages = apiMessages();
  const head = messages[messages.length - 1].head!;
  const signature = base64ToBytes(head.signature);
  signature[10] ^= 0x80;
  head.signature = bytesToBase64(signature);
  const result = await verify(JSON.stringify(messages));
  assert.equal(result.ok, false);
  assert.equal(result.failure?.seq, null);
  assert.equal(result.failure?.finding.kind, "badSignature");
  assert.match(message(result), /signature does not verify with this public key/);
  assert.equal(result.checks[0].ok, true);
});

test("a head whose tree size or time was changed no longer verifies", async () => {
  for (const field of ["tree_size", "timestamp_ms"]) {
    const messages = apiMessages();
    const head = messages[messages.length - 1].head!;
    head[field] = String(Number(head[field]) - 1);
    const result = await verify(JSON.stringify(messages));
    assert.equal(result.checks.find((c) => c.name === "signature")?.ok, false, field);
  }
});

test("an event removed: the first event out of place is named", async () => {
  const messages = apiMessages();
  messages[0].events!.splice(4, 1);
  const result = await verify(JSON.stringify(messages));
  assert.equal(result.failure?.seq, 5);
  assert.deepEqual(result.failure?.finding.kind === "outOfPlace" &&
    [result.failure.finding.seq, result.failure.finding.place, result.failure.finding.found.seq],
    [5, { message: 1, event: 5 }, 6]);
  assert.match(message(result), /^event 5 expected at message 1, event 5, but its bytes hold event 6 .*removed/);
});

test("the last events cut off: the head says how many are missing", async () => {
  const messages = apiMessages();
  messages[messages.length - 1].events!.splice(-3, 3);
  const result = await verify(JSON.stringify(messages));
  assert.equal(result.ok, false);
  assert.equal(result.failure?.seq, 40);
  assert.deepEqual(result.failure?.finding, { kind: "eventsMissing", covered: 42, count: 39 });
  assert.match(message(result), /signed head covers 42 events, the export has 39/);
});

test("another server's key does not verify the head", async () => {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  const otherPem = `-----BEGIN PUBLIC KEY-----\n${bytesToBase64(spki)}\n-----END PUBLIC KEY-----\n`;
  const result = await verify(apiExport, otherPem);
  assert.equal(result.ok, false);
  assert.match(message(result), /does not verify with this public key/);
});

test("what is not an export or not a key is refused as such", async () => {
  assert.throws(() => readExport("hello"), ExportFormatError);
  assert.throws(() => readExport("[1,2"), ExportFormatError);
  assert.throws(() => readExport(jsonLines.slice(0, 500)), ExportFormatError);
  await assert.rejects(importPublicKey("no key"), PublicKeyError);
  const messages = apiMessages();
  delete messages[messages.length - 1].head;
  const result = await verify(JSON.stringify(messages));
  assert.match(message(result), /no signed head/);
});

test("a head kept from earlier: a prefix of the trail has its root; a rewritten prefix does not", async () => {
  const { readSignedHead } = await import("../../../client/web/src/verify/export_format");
  const messages = apiMessages();
  const head = messages[messages.length - 1].head!;
  const key = await importPublicKey(pem);
  const kept = readSignedHead(head);
  const same = await verifyTrail(readExport(apiExport), key, { keptHead: kept });
  assert.equal(same.ok, true, message(same));
  assert.equal(same.checks.find((c) => c.name === "kept")?.ok, true);
  assert.deepEqual(same.checks.find((c) => c.name === "kept")?.detail,
    { kind: "grew", covered: 42, timestampMs: kept.timestampMs });
  // A kept head whose root is another: as if the trail had been rewritten since.
  const forged = { ...kept, rootHash: new Uint8Array(32) };
  const result = await verifyTrail(readExport(apiExport), key, { keptHead: forged });
  assert.equal(result.ok, false);
  assert.equal(result.failure?.finding.kind, "keptBadSignature");
  assert.match(message(result), /kept head's signature does not verify/);
});
