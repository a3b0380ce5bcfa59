// What the trail verifier found, as data: a kind and the numbers, ids and
// times it is about. The interface writes each in its language
// (i18n/en_review.ts, fa_review.ts); the verifier writes no sentences.

import type { EventPlace } from "./export_format";

/** An event named in a finding: its seq and what its hashed bytes say it was. */
export interface EventRef {
  seq: number;
  /** The RPC's short name, e.g. "SubmitCodings"; "" when the bytes hold none. */
  method: string;
  actor: string;
  onBehalfOf: string;
  /** Seconds since the epoch (UTC). */
  seconds: number;
}

export type Finding =
  // The hash chain.
  | { kind: "chainIntact"; events: number }
  | { kind: "unreadable"; seq: number; place: EventPlace; reason: string }
  | { kind: "outOfPlace"; seq: number; place: EventPlace; found: EventRef }
  | { kind: "otherProject"; event: EventRef; project: string; expected: string }
  | { kind: "firstPrevHash"; event: EventRef }
  | { kind: "notLinked"; event: EventRef }
  | { kind: "hashMismatch"; event: EventRef }
  | { kind: "shownPrevHash"; event: EventRef }
  | { kind: "leafHash"; event: EventRef }
  | { kind: "listedAs"; event: EventRef; listed: number }
  /** `field` of the shown event reads `shown`, the hashed bytes hold `hashed` ("" when not said). */
  | { kind: "shownDiffers"; event: EventRef; field: string; shown: string; hashed: string }
  // The head's signature.
  | { kind: "noHead" }
  | { kind: "signed"; keyId: string; timestampMs: number }
  | { kind: "headFormat"; format: string; expected: string }
  | { kind: "badSignature" }
  | { kind: "otherKey"; named: string; keyId: string }
  // The Merkle root.
  | { kind: "noRoot" }
  | { kind: "chainBroken" }
  | { kind: "headProject"; head: string; events: string }
  | { kind: "eventsMissing"; covered: number; count: number }
  | { kind: "notCovered"; covered: number }
  | { kind: "rootMismatch" }
  | { kind: "root"; root: string; events: number }
  // A head kept from earlier.
  | { kind: "keptBadSignature" }
  | { kind: "keptProject"; kept: string; events: string }
  | { kind: "shrank"; covered: number; count: number }
  | { kind: "keptRewritten"; covered: number }
  | { kind: "grew"; covered: number; timestampMs: number };

export type FindingKind = Finding["kind"];

/** A message for each kind of finding, given that finding. */
export type FindingMessages = { [K in FindingKind]: (finding: Extract<Finding, { kind: K }>) => string };

/** Writes `finding` with `messages` (a catalog's). */
export function writeFinding(messages: FindingMessages, finding: Finding): string {
  return (messages[finding.kind] as (f: Finding) => string)(finding);
}
