// The disagreement queue: its order (worst codes first), its filters, the
// decisions each disagreement offers (keys 1–9) and the keys that move
// through it. No DOM here: node tests pin it.
import type { Disagreement, Domain } from "./agreement_types";
import { t } from "../i18n";

export interface QueueFilter {
  code?: string;
  document?: string;
  /** Only disagreements where this coder is outside the majority. */
  coder?: string;
  unresolvedOnly?: boolean;
}

/** What a disagreement is about: its code, or its domain. */
export function subjectOf(d: Disagreement): string {
  return d.code || d.domain;
}

/**
 * Orders disagreements by their code's rank in `worstCodes` (the per-code
 * agreement, worst first; codes not in it last), then in document order.
 */
export function orderQueue(items: Disagreement[], worstCodes: string[]): Disagreement[] {
  const rank = new Map(worstCodes.map((key, i) => [key, i]));
  return items
    .map((d, i) => ({ d, i, r: rank.get(subjectOf(d)) ?? worstCodes.length }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.d);
}

export function filterQueue(items: Disagreement[], filter: QueueFilter): Disagreement[] {
  return items.filter((d) => {
    if (filter.code && subjectOf(d) !== filter.code) return false;
    if (filter.document && d.document !== filter.document) return false;
    if (filter.unresolvedOnly && d.resolution) return false;
    if (filter.coder) {
      const value = d.values[filter.coder];
      if (value === undefined) return false;
      if (d.suggestion && value === d.suggestion) return false;
    }
    return true;
  });
}

export interface Decision {
  value: string;
  label: string;
}

/**
 * The decisions a disagreement takes: for a code, the code or "none"; for a
 * domain, each of its codes or "none". Key k (1–9) picks the k-th.
 */
export function decisionsFor(d: Disagreement, codeName: (id: string) => string,
                             domains: Domain[]): Decision[] {
  const none: Decision = { value: "none", label: t().queue.noneDecision };
  if (d.code) return [{ value: d.code, label: t().queue.applies(codeName(d.code)) }, none];
  const domain = domains.find((x) => x.id === d.domain);
  const codes = domain?.codes.length ? domain.codes
    : [...new Set(Object.values(d.values).filter((v) => v !== "none"))];
  return [...codes.map((c) => ({ value: c, label: codeName(c) })), none];
}

/** "3 of 12 resolved". */
export function resolvedText(items: Disagreement[]): string {
  const resolved = items.filter((d) => d.resolution).length;
  return t().queue.resolvedOf(resolved, items.length);
}

export type QueueAction =
  | { kind: "next" }
  | { kind: "previous" }
  | { kind: "choose"; index: number }
  | { kind: "resolve" }
  | null;

/**
 * The queue's keys: n/p move, 1–9 choose a decision, Enter resolves. Bare
 * keys do nothing while a text field has focus (the rationale), except
 * Ctrl+Enter, which resolves from there.
 */
export function queueKey(key: string, inTextField: boolean, ctrl: boolean): QueueAction {
  if (key === "Enter" && (ctrl || !inTextField)) return { kind: "resolve" };
  if (inTextField || ctrl) return null;
  if (key === "n" || key === "ArrowDown") return { kind: "next" };
  if (key === "p" || key === "ArrowUp") return { kind: "previous" };
  if (/^[1-9]$/.test(key)) return { kind: "choose", index: Number(key) - 1 };
  return null;
}

/** Coder names, or "Coder 1", "Coder 2"... when names are hidden (stable order). */
export function coderLabels(coders: string[], hidden: boolean): Map<string, string> {
  return new Map(coders.map((c, i) => [c, hidden ? `Coder ${i + 1}` : c]));
}

/** A rationale must say something: not empty, not only spaces. */
export function rationaleProblem(text: string): string | null {
  return text.trim() === "" ? t().queue.needRationale : null;
}
