// The project's event stream (server-sent events): one EventSource per tab
// and project, shared by every screen that listens. A screen reacts to a
// change by loading again what it shows, through the ordinary routes.
import { useEffect, useRef } from "preact/hooks";
import { path } from "./api";
import type { ChangeEvent } from "./types";

type Listener = (change: ChangeEvent) => void;

interface Stream {
  project: string;
  source: EventSource;
  listeners: Set<Listener>;
}

let stream: Stream | null = null;

function open(project: string): Stream {
  if (stream && stream.project === project) return stream;
  stream?.source.close();
  const source = new EventSource(path("projects", project, "stream"), { withCredentials: false });
  const opened: Stream = { project, source, listeners: new Set() };
  source.addEventListener("change", (event) => {
    let change: ChangeEvent;
    try {
      change = JSON.parse((event as MessageEvent<string>).data) as ChangeEvent;
    } catch {
      return;
    }
    for (const listener of [...opened.listeners]) listener(change);
  });
  // The server ends a revoked session's stream with "end": do not reconnect.
  source.addEventListener("end", () => source.close());
  stream = opened;
  return opened;
}

function release(opened: Stream, listener: Listener): void {
  opened.listeners.delete(listener);
  if (opened.listeners.size === 0 && stream === opened) {
    // Keep it a moment: the next screen of the same project usually listens too.
    setTimeout(() => {
      if (opened.listeners.size === 0 && stream === opened) {
        opened.source.close();
        stream = null;
      }
    }, 2000);
  }
}

/**
 * Calls `onChange` for each change in `project` that `filter` accepts;
 * changes arriving close together are delivered once, with the last one.
 */
export function useChanges(
  project: string | undefined,
  onChange: (change: ChangeEvent) => void,
  filter: (change: ChangeEvent) => boolean = () => true,
): void {
  const latest = useRef({ onChange, filter });
  latest.current = { onChange, filter };
  useEffect(() => {
    if (!project || typeof EventSource === "undefined") return;
    const opened = open(project);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener: Listener = (change) => {
      if (!latest.current.filter(change)) return;
      clearTimeout(timer);
      timer = setTimeout(() => latest.current.onChange(change), 100);
    };
    opened.listeners.add(listener);
    return () => {
      clearTimeout(timer);
      release(opened, listener);
    };
  }, [project]);
}

/** Closes the stream (on sign-out). */
export function closeStream(): void {
  stream?.source.close();
  stream = null;
}
