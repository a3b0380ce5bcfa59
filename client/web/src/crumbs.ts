// Names the breadcrumb shows for ids in the URL ("p1" → "Interview study"),
// filled in by the screens that load them.
import { signal } from "@preact/signals";

export const crumbNames = signal<Record<string, string>>({});

export function nameCrumb(kind: "project" | "round" | "document", id: string, name: string): void {
  const key = `${kind}:${id}`;
  if (!name || crumbNames.value[key] === name) return;
  crumbNames.value = { ...crumbNames.value, [key]: name };
}
