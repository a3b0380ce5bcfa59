// The codebook as a tree (parent links of ProjectService codes): its order,
// its depth, and which moves keep it a tree.
import type { Code } from "../types";

export interface CodeNode {
  code: Code;
  depth: number;
  children: CodeNode[];
}

/** Active codes as a forest, children by name; merged codes left out. */
export function codeTree(codes: Code[]): CodeNode[] {
  const active = codes.filter((c) => c.state !== "CODE_MERGED");
  const ids = new Set(active.map((c) => c.id));
  const children = new Map<string, Code[]>();
  for (const c of active) {
    const parent = c.parent && ids.has(c.parent) ? c.parent : "";
    const list = children.get(parent) ?? [];
    list.push(c);
    children.set(parent, list);
  }
  const byName = (a: Code, b: Code) => (a.name || a.id).localeCompare(b.name || b.id);
  const seen = new Set<string>();
  const build = (parent: string, depth: number): CodeNode[] =>
    (children.get(parent) ?? []).sort(byName).filter((c) => !seen.has(c.id)).map((code) => {
      seen.add(code.id);
      return { code, depth, children: build(code.id, depth + 1) };
    });
  return build("", 0);
}

/** The tree in display order, each node once. */
export function flatten(nodes: CodeNode[]): CodeNode[] {
  const out: CodeNode[] = [];
  const walk = (list: CodeNode[]) => {
    for (const n of list) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

/** The ids under `id` (not itself). */
export function descendants(codes: Code[], id: string): Set<string> {
  const out = new Set<string>();
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const c of codes) {
      if (frontier.includes(c.parent) && !out.has(c.id) && c.id !== id) {
        out.add(c.id);
        next.push(c.id);
      }
    }
    frontier = next;
  }
  return out;
}

/** Where `id` may move: the top level ("") or any code not itself nor under it. */
export function moveTargets(codes: Code[], id: string): Code[] {
  const under = descendants(codes, id);
  return codes.filter((c) => c.state !== "CODE_MERGED" && c.id !== id && !under.has(c.id));
}

/** Codes `id` may merge into: any other active code. */
export function mergeTargets(codes: Code[], id: string): Code[] {
  return codes.filter((c) => c.state !== "CODE_MERGED" && c.id !== id);
}
