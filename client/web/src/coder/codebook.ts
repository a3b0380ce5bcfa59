// The codebook as the coder sees it: a tree (themes, their categories, their
// codes), siblings by name, each code with a number (its place in the
// tree, shown on its highlights) and a colour.
import type { Code } from "../types";

export interface CodeEntry {
  code: Code;
  /** 1-based place in the tree order. */
  number: number;
  depth: number;
  /** Names of the ancestors, outermost first. */
  path: string[];
  color: string;
  hasChildren: boolean;
  /**
   * A code that only groups the codes under it (REFI-QDA's
   * isCodable="false"): shown as a heading, never applied (the server
   * refuses a coding of it).
   */
  grouping: boolean;
}

/** Whether the server marks `code` as grouping only. */
export function isGrouping(code: Code): boolean {
  return code.grouping_only === true;
}

/** The entries a coder can apply: all but the grouping codes, in order. */
export function applicableCodes(entries: CodeEntry[]): CodeEntry[] {
  return entries.filter((e) => !e.grouping);
}

// Distinguishable on white, and each dark enough for a 3-pixel bar.
const palette = [
  "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939",
];

export function codeTree(codes: Code[]): CodeEntry[] {
  const active = codes.filter((c) => c.state !== "CODE_MERGED");
  const ids = new Set(active.map((c) => c.id));
  const children = new Map<string, Code[]>();
  for (const code of active) {
    const parent = code.parent && ids.has(code.parent) ? code.parent : "";
    const list = children.get(parent) ?? [];
    list.push(code);
    children.set(parent, list);
  }
  // Siblings by name, as QDA tools list a codebook.
  const byName = (a: Code, b: Code) => (a.name || a.id).localeCompare(b.name || b.id);
  for (const list of children.values()) list.sort(byName);
  const out: CodeEntry[] = [];
  const seen = new Set<string>();
  const visit = (code: Code, depth: number, path: string[]) => {
    if (seen.has(code.id)) return;
    seen.add(code.id);
    const kids = children.get(code.id) ?? [];
    out.push({
      code,
      number: out.length + 1,
      depth,
      path,
      color: /^#[0-9a-fA-F]{6}$/.test(code.color) ? code.color : palette[out.length % palette.length]!,
      hasChildren: kids.length > 0,
      grouping: isGrouping(code),
    });
    for (const kid of kids) visit(kid, depth + 1, [...path, code.name || code.id]);
  };
  for (const root of children.get("") ?? []) visit(root, 0, []);
  // A cycle of parents leaves codes unreached: list them at the top level.
  for (const code of active) visit(code, 0, []);
  return out;
}

function normalize(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * The entries matching every word of `query` in their name, id or path
 * (accents and case ignored), keeping tree order. The path counts, so a
 * category's name finds every code under it.
 */
export function filterCodes(entries: CodeEntry[], query: string): CodeEntry[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return entries;
  return entries.filter((e) => {
    const haystack = normalize([e.code.name, e.code.id, ...e.path].join(" "));
    return words.every((w) => haystack.includes(w));
  });
}
