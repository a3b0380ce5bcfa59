// The round's next state, and AdvanceRound's refusal in plain words.
import type { RoundState } from "../types";

export function nextState(state: RoundState): RoundState | null {
  if (state === "OPEN") return "RECONCILING";
  if (state === "RECONCILING") return "CLOSED";
  return null;
}

export function stateWords(state: string): string {
  switch (state) {
    case "OPEN": return "open for coding";
    case "RECONCILING": return "reconciling disagreements";
    case "CLOSED": return "closed";
    default: return state.toLowerCase();
  }
}

export interface UnfinishedPairs {
  count: number;
  /** Coder → their documents not done, each with its progress state (IN_PROGRESS, NOT_STARTED). */
  byCoder: Map<string, Array<{ document: string; state: string }>>;
  more: number;
}

/**
 * Reads "round r1: 3 (coder, document) pairs are not done: alice/d1
 * (IN_PROGRESS), bob/d2 (NOT_STARTED) and 1 more; set force to advance
 * anyway" (server/catalog/rounds.cc); null when the message is another.
 */
export function unfinishedPairs(message: string): UnfinishedPairs | null {
  const match = /(\d+) \(coder, document\) pairs are not done: (.*?)(?: and (\d+) more)?; set force/
    .exec(message);
  if (!match) return null;
  const byCoder = new Map<string, Array<{ document: string; state: string }>>();
  for (const pair of match[2].split(", ")) {
    const m = /^(.*?)\/(.*) \((\w+)\)$/.exec(pair.trim());
    if (!m) continue;
    const list = byCoder.get(m[1]) ?? [];
    list.push({ document: m[2], state: m[3] });
    byCoder.set(m[1], list);
  }
  return { count: Number(match[1]), byCoder, more: Number(match[3] ?? 0) };
}
