// Loading what the lead's screens show, through the JSON API.
import { get, listAll, path, type Query } from "../api";
import type { Code, Round } from "../types";
import type { ComputeAgreementResponse, Disagreement, Domain } from "./agreement_types";

export interface AgreementQuery {
  analysis: string;
  coefficients: string[];
  rollupDepth: number;
  includeUnfinished?: boolean;
  documents?: string[];
}

export function agreementQuery(q: AgreementQuery): Query {
  return {
    analysis: q.analysis,
    coefficients: q.coefficients,
    rollup_depth: q.rollupDepth || undefined,
    documents: q.documents,
    include_unfinished: q.includeUnfinished || undefined,
  };
}

export function loadAgreement(project: string, round: string, q: AgreementQuery):
    Promise<ComputeAgreementResponse> {
  return get<ComputeAgreementResponse>(path("projects", project, "rounds", round, "agreement"),
    agreementQuery(q));
}

export async function loadRound(project: string, round: string): Promise<Round> {
  return (await get<{ round: Round }>(path("projects", project, "rounds", round))).round;
}

export function loadCodes(project: string, includeMerged = false): Promise<Code[]> {
  return listAll<Code>(path("projects", project, "codes"), "codes",
    includeMerged ? { include_merged: true } : {});
}

export function loadDomains(project: string): Promise<Domain[]> {
  return listAll<Domain>(path("projects", project, "domains"), "domains").catch(() => []);
}

export function loadDisagreements(project: string, round: string): Promise<Disagreement[]> {
  return listAll<Disagreement>(path("projects", project, "rounds", round, "disagreements"),
    "disagreements");
}

/**
 * Runs `work` on each item, at most `limit` at a time (the browser keeps 6
 * connections). Once `stopped()` is true no further item starts (a screen that
 * closed, or whose question changed, leaves the server free for the next) and
 * the promise rejects with a StoppedError when the running ones end.
 */
export async function eachLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>,
                                        stopped: () => boolean = () => false): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !stopped()) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  });
  await Promise.all(runners);
  if (stopped()) throw new StoppedError();
  return out;
}

/** Work left undone because what asked for it no longer wants it. */
export class StoppedError extends Error {
  constructor() {
    super("stopped");
  }
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string | Uint8Array, type: string): void {
  const blob = new Blob([text as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
