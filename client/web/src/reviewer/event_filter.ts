// The audit trail's filters (actor, method, time), applied to the pages
// loaded so far.
import type { EventRecord } from "./audit_types";

export interface EventFilter {
  actor?: string;
  method?: string;
  /** ISO times (from datetime-local inputs, read as local time). */
  from?: string;
  to?: string;
}

export function shortMethodName(method: string): string {
  return method.slice(method.lastIndexOf("/") + 1);
}

export function filterEvents(events: EventRecord[], filter: EventFilter): EventRecord[] {
  const from = filter.from ? new Date(filter.from).getTime() : -Infinity;
  const to = filter.to ? new Date(filter.to).getTime() : Infinity;
  return events.filter((r) => {
    const e = r.event;
    if (filter.actor && e.actor !== filter.actor && e.on_behalf_of !== filter.actor) return false;
    if (filter.method && shortMethodName(e.method) !== filter.method) return false;
    const t = new Date(e.time).getTime();
    if (t < from || t > to) return false;
    return true;
  });
}

/** The distinct actors and methods, for the filters' choices. */
export function facets(events: EventRecord[]): { actors: string[]; methods: string[] } {
  const actors = new Set<string>();
  const methods = new Set<string>();
  for (const r of events) {
    if (r.event.actor) actors.add(r.event.actor);
    if (r.event.on_behalf_of) actors.add(r.event.on_behalf_of);
    methods.add(shortMethodName(r.event.method));
  }
  return { actors: [...actors].sort(), methods: [...methods].sort() };
}
