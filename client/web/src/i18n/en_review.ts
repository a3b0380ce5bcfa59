// The English text of the reviewer's screens: the trustworthiness report,
// the audit trail and verifying the trail. Part of the catalog in ./en
// (spread into it), kept apart so each file stays one concern.
import type { EventRef, FindingMessages } from "../verify/findings";
import type { EventPlace } from "../verify/export_format";
import { num, plural, utcSeconds } from "./format";

/** "event 29 (SubmitCodings by bob, 2026-12-02 01:24:43 UTC)". */
function event(e: EventRef): string {
  const who = e.onBehalfOf ? `${e.actor} for ${e.onBehalfOf}` : e.actor;
  return `event ${num(e.seq)} (${e.method || "an event"} by ${who || "nobody"}, ${utcSeconds(e.seconds)})`;
}

function place(p: EventPlace): string {
  return "line" in p ? `line ${num(p.line)}` : `message ${num(p.message)}, event ${num(p.event)}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const changedHere = "the trail was changed at or after this event";

/** What the trail verifier found (verify/findings.ts). */
const findings: FindingMessages = {
  chainIntact: (f) => `${num(f.events)} events, each linked to the one before by its hash`,
  unreadable: (f) => `event ${num(f.seq)} (${place(f.place)}) cannot be read: its bytes are damaged (${f.reason}): ${changedHere}`,
  outOfPlace: (f) => `event ${num(f.seq)} expected at ${place(f.place)}, but its bytes hold ${event(f.found)}: an event was removed, inserted, duplicated or moved`,
  otherProject: (f) => `${event(f.event)} belongs to project "${f.project}", not "${f.expected}"`,
  firstPrevHash: (f) => `${event(f.event)}: its prev_hash is not 32 zero bytes, as the first event's must be`,
  notLinked: (f) => `${event(f.event)} does not follow event ${num(f.event.seq - 1)}: its prev_hash is not that event's hash (an event before it was changed, or this one)`,
  hashMismatch: (f) => `${event(f.event)} does not match its hash: ${changedHere}`,
  shownPrevHash: (f) => `${event(f.event)}: the prev_hash shown differs from the one in its hashed bytes`,
  leafHash: (f) => `${event(f.event)}: its leaf_hash is not SHA-256(0x00 || event bytes)`,
  listedAs: (f) => `${event(f.event)} is listed as event ${num(f.listed)}`,
  shownDiffers: (f) => `${event(f.event)}: what the trail shows is not what was hashed (${f.field} reads ${JSON.stringify(f.shown)}, the hashed bytes hold ${JSON.stringify(f.hashed)})`,
  noHead: () => "the export has no signed head at its end (was it cut short?)",
  signed: (f) => `signed by key ${f.keyId} at ${iso(f.timestampMs)}`,
  headFormat: (f) => `the head's format is "${f.format}", not "${f.expected}"`,
  badSignature: () => "the head's signature does not verify with this public key (the head was changed, or another server signed it)",
  otherKey: (f) => `the head names key ${f.named}, not this public key (${f.keyId})`,
  noRoot: () => "no signed root to compare with",
  chainBroken: () => "not checked: the chain is broken",
  headProject: (f) => `the head is for project "${f.head}", the events for "${f.events}"`,
  eventsMissing: (f) => `events missing: the signed head covers ${num(f.covered)} events, the export has ${num(f.count)}`,
  notCovered: (f) => `event ${num(f.covered + 1)} and after are not covered by the signed head, which covers ${num(f.covered)} events`,
  rootMismatch: () => "the Merkle root of the events is not the signed root: the events were rewritten and re-chained",
  root: (f) => `root ${f.root} over ${num(f.events)} events`,
  keptBadSignature: () => "the kept head's signature does not verify with this public key",
  keptProject: (f) => `the kept head is for project "${f.kept}", the export for "${f.events}"`,
  shrank: (f) => `the kept head covers ${num(f.covered)} events, the export only ${num(f.count)}: the trail shrank`,
  keptRewritten: (f) => `the first ${num(f.covered)} events of the export do not have the kept head's root: the trail was rewritten before the kept head`,
  grew: (f) => `the first ${num(f.covered)} events are those the kept head of ${iso(f.timestampMs)} signed: the trail only grew since`,
};

export const review = {
  report: {
    heading: "Trustworthiness report",
    what: "the report",
    download: "Download:",
    formats: {
      HTML: "HTML (prints well)",
      MARKDOWN: "Markdown",
      LATEX: "LaTeX table",
      CSV: "CSV table",
      JSON: "JSON",
    } as Record<string, string>,
    headTitle: "Generated from the signed audit head",
    project: "Project",
    generated: "Generated",
    events: "Events",
    rootHash: "Root hash",
    keyId: "Key id",
    verifyHead: "Verify the head's signature",
    checkTrail: "Check the trail against this head",
    headSigned: (keyId: string) => `Signed by the server's key ${keyId}…`,
    headNotSigned: "The signature does not verify with the server's key.",
    headOk: "The report's head is signed by the server's key.",
    headBad: "The report's head does not verify.",
    trailOk: "The trail verifies and contains the report's head.",
    verifying: "and verifying the trail",
    team: "Team",
    teamCaption: "Members, roles and codings submitted",
    member: "Member",
    role: "Role",
    codingsSubmitted: "Codings submitted",
    rounds: "Rounds",
    codebook: (revision: number | string) => `Codebook (revision ${num(revision)})`,
    codes: (n: number) => `${plural(n, { one: "# code", other: "# codes" })}. Changes as the audit trail records them:`,
    changes: "Codebook changes",
    event: "Event",
    when: "When",
    who: "Who",
    change: "What",
    verifyYourself: "Verifying it yourself",
    round: (title: string) => `Round ${title}`,
    blind: "blind",
    notBlind: "not blind",
    documents: (n: number) => plural(n, { one: "# document", other: "# documents" }),
    coders: (names: string) => `coders ${names}`,
    revision: (n: number | string) => `codebook revision ${num(n)}`,
    noAgreement: "No agreement computed yet.",
    agreementOf: (round: string) => `Agreement of round ${round}`,
    agreementCaption: (units: number, bootstrap: number | null) =>
      `Agreement per code, ${num(units)} units${bootstrap !== null ? `, ${num(bootstrap)} bootstrap replicates` : ""}`,
    code: "Code",
    overall: "Overall",
    disagreements: (disagreements: number, resolved: number) =>
      `${plural(disagreements, { one: "# disagreement", other: "# disagreements" })}, ${num(resolved)} resolved.`,
    pairs: (coefficient: string) => ` Coder pairs (${coefficient}): `,
    resolutions: (n: number) => `Resolutions (${num(n)})`,
    resolution: (code: string, document: string, segment: number | string, by: string) =>
      `${code} applies in ${document}, segment ${typeof segment === "number" ? num(segment) : segment}: resolved by ${by} — `,
    references: "References",
  },
  audit: {
    heading: "Audit trail",
    signedHead: "The signed head",
    whatHead: "the signed head",
    events: "Events",
    signed: "Signed",
    rootHash: "Root hash",
    signature: "Signature",
    keyId: "Key id",
    publicKey: "The server's public key",
    checkSignature: "Check the signature in this browser",
    signatureValid: "The signature is valid for this key.",
    signatureInvalid: "The signature does not verify.",
    verifyWhole: "Verify the whole trail",
    verifyWhat: " (chain, root and signature).",
    filters: "Filter the events",
    actor: "Actor",
    anyone: "Anyone",
    action: "Action",
    any: "Any",
    from: "From",
    to: "To",
    shown: (shown: number, loaded: number, more: boolean, filtered: boolean) =>
      `${num(shown)} of ${plural(loaded, { one: "# event", other: "# events" })} loaded${more ? " (more on the server)" : " (all)"}${filtered ? " match the filters" : ""}.`,
    caption: (project: string) => `Events of ${project}, oldest first`,
    time: "Time (UTC)",
    whatItDid: "What it did",
    onBehalfOf: (who: string) => ` for ${who}`,
    whatEvents: "events",
    loadMore: (n: number) => `Load ${num(n)} more`,
    loadAll: "Load all",
    export: "The export",
    exportText: [
      "Every event with its hashed bytes, and the head signed over exactly them: what a reviewer keeps, and verifies here or with ",
      ".",
    ] as [string, string],
    downloadExport: "Download the export",
  },
  verification: {
    checks: {
      chain: "Hash chain",
      signature: "Signature of the head (Ed25519)",
      merkle: "Merkle root (RFC 9162)",
      kept: "The report's head",
    } as Record<string, string>,
    verified: (events: number, project: string) =>
      `Verified: ${num(events)} events of project ${project}, the chain and the Merkle root intact, the head signed by key`,
    notVerified: (why: string) => `Not verified: ${why}`,
    findings,
    passed: "passed",
    failed: "failed",
    notChecked: "not checked",
  },
  verifyScreen: {
    heading: "Verify the audit trail",
    intro: [
      "Every change to this project is an event in a hash chain; the server signs the Merkle root of all events with its Ed25519 key. Your browser checks all of it here, without trusting the server's answer: the same checks as ",
      ".",
    ] as [string, string],
    trail: "The trail",
    verifyServer: "Verify the server's export",
    serverExport: "the server's current export",
    orFile: ["Or verify an export file (the JSON from here, or ", "'s .jsonl)"] as [string, string],
    verifying: (source: string) => `and verifying ${source}`,
    resultFor: (source: string) => `Result for ${source}`,
    keyTitle: "The server's public key",
    whatKey: "the public key",
    algorithm: "Algorithm",
    keyId: "Key id",
    compare: ["Compare the key id with the one you were given (the report, or ", "): a key from the same server proves less than one you kept."] as [string, string],
    useOwn: "Use a public key I kept instead",
    ownKey: "Public key (PEM)",
    keyNotLoaded: "The server's public key is not loaded yet.",
    notExport: (why: string) => `This file cannot be read as an icr export: ${why}.`,
    badKey: (why: string) => `The public key cannot be used: ${why}.`,
    verified: (events: number) => `Verified: ${num(events)} events.`,
  },
};
