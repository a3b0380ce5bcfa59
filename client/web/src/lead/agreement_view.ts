// What the agreement dashboard shows, computed from a ComputeAgreement answer:
// the coefficients' names, their values as text, the interpretation bands
// (those of `icr agreement`, client/stats/coefficient_format.cc), the
// coder-pair matrix and the bars. No DOM here: node tests pin it.
import { t } from "../i18n";
import type { AgreementRow, Coefficient, ComputeAgreementResponse } from "./agreement_types";

/** The coefficients ComputeAgreement knows, in the order the CLI prints them. */
export const COEFFICIENTS: ReadonlyArray<{ name: string }> = [
  { name: "percent_agreement" },
  { name: "cohen_kappa" },
  { name: "scott_pi" },
  { name: "fleiss_kappa" },
  { name: "krippendorff_alpha" },
  { name: "gwet_ac1" },
  { name: "brennan_prediger" },
];

export const DEFAULT_COEFFICIENTS = ["krippendorff_alpha", "fleiss_kappa", "percent_agreement"];

/** The coefficient's name in the interface's language. */
export function coefficientLabel(name: string): string {
  return t().coefficients[name] ?? name;
}

export function definedValue(c: Coefficient | undefined): number | null {
  return c !== undefined && typeof c.value === "number" && Number.isFinite(c.value) ? c.value : null;
}

/** Krippendorff's bands for alpha; none for percent agreement; Landis & Koch for the kappas. */
export function interpretation(name: string, value: number | null): string {
  if (value === null) return "";
  if (name.endsWith("_alpha")) {
    if (value >= 0.8) return "reliable";
    if (value >= 0.667) return "tentative";
    return "unreliable";
  }
  if (name.endsWith("percent_agreement")) return "";
  if (value < 0) return "poor";
  if (value <= 0.2) return "slight";
  if (value <= 0.4) return "fair";
  if (value <= 0.6) return "moderate";
  if (value <= 0.8) return "substantial";
  return "almost perfect";
}

/** Three decimals, as `icr agreement` prints them. */
export function formatValue(value: number | null | undefined): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(3) : "undefined";
}

export function coefficientOf(row: AgreementRow | undefined, name: string): Coefficient | undefined {
  return row?.coefficients.find((c) => c.name === name);
}

/** The coefficient the chart and the queue's order use: alpha when it was asked for. */
export function primaryCoefficient(chosen: string[]): string {
  if (chosen.includes("krippendorff_alpha")) return "krippendorff_alpha";
  return chosen[0] ?? "krippendorff_alpha";
}

/** A band as a class name ("band-reliable"), so colour and words go together. */
export function bandClass(name: string, value: number | null): string {
  const words = interpretation(name, value);
  return words ? `band-${words.replace(/\s+/g, "-")}` : "band-none";
}

export interface MatrixCell {
  value: number | null;
  units: number;
  /** 0 (lowest) .. 4 (highest) for the heat map's shade; -1: no value. */
  shade: number;
  text: string;
}

/**
 * The coder × coder matrix: Cohen's kappa (or percent agreement) of each
 * pair, symmetric, nothing on the diagonal.
 */
export function pairMatrix(answer: ComputeAgreementResponse,
                           measure: "cohen_kappa" | "percent_agreement"): MatrixCell[][] {
  const coders = answer.coders;
  const index = new Map(coders.map((c, i) => [c, i]));
  const empty = (): MatrixCell => ({ value: null, units: 0, shade: -1, text: "" });
  const cells = coders.map(() => coders.map(empty));
  for (const pair of answer.pairwise) {
    const a = index.get(pair.coder_a);
    const b = index.get(pair.coder_b);
    if (a === undefined || b === undefined) continue;
    const value = measure === "cohen_kappa"
      ? definedValue(pair.cohen_kappa)
      : typeof pair.percent_agreement === "number" ? pair.percent_agreement : null;
    const cell: MatrixCell = {
      value,
      units: Number(pair.units),
      shade: shadeOf(value),
      text: formatValue(value),
    };
    cells[a][b] = cell;
    cells[b][a] = { ...cell };
  }
  return cells;
}

/** Five shades over the agreement scale: < .4, < .6, < .667, < .8, >= .8. */
export function shadeOf(value: number | null): number {
  if (value === null) return -1;
  if (value < 0.4) return 0;
  if (value < 0.6) return 1;
  if (value < 0.667) return 2;
  if (value < 0.8) return 3;
  return 4;
}

export interface Bar {
  key: string;
  name: string;
  value: number | null;
  low: number | null;
  high: number | null;
  text: string;
}

/** One bar per row (the pooled row last), of the chosen coefficient. */
export function bars(answer: ComputeAgreementResponse, name: string): Bar[] {
  const rows = [...answer.rows];
  if (answer.overall) rows.push({ ...answer.overall, name: "overall", key: "overall" });
  return rows.map((row) => {
    const c = coefficientOf(row, name);
    const value = definedValue(c);
    const ci = c?.ci && c.ci.samples > 0 && !c.ci.undefined_reason ? c.ci : undefined;
    return {
      key: row.key,
      name: row.name || row.key,
      value,
      low: ci ? ci.low : null,
      high: ci ? ci.high : null,
      text: formatValue(value),
    };
  });
}

/** Codes worst first by `name` (undefined values first: they need a look most), else by order. */
export function worstFirst(rows: AgreementRow[], name: string): string[] {
  return rows
    .map((row, i) => ({ key: row.key, value: definedValue(coefficientOf(row, name)), i }))
    .sort((x, y) => {
      const a = x.value ?? -Infinity;
      const b = y.value ?? -Infinity;
      return a - b || x.i - y.i;
    })
    .map((r) => r.key);
}

/** "Counted 18 of 18 coder–document pairs" or with what was left out. */
export function workText(answer: ComputeAgreementResponse): string {
  const w = answer.work;
  if (!w) return "";
  const counted = Number(w.pairs_counted);
  const inProgress = Number(w.pairs_in_progress);
  const notStarted = Number(w.pairs_not_started);
  const total = counted + inProgress + notStarted;
  let text = `Counted ${counted} of ${total} coder–document pairs`;
  const left: string[] = [];
  if (inProgress) left.push(`${inProgress} still in progress`);
  if (notStarted) left.push(`${notStarted} not started`);
  if (left.length) text += ` (left out: ${left.join(", ")})`;
  return text + ".";
}
