// What the aria-live region of the app shell reads out: updates that arrive
// without the user asking (a coder's new coding, a round advanced), and the
// outcome of actions.
import { signal } from "@preact/signals";

export const announcement = signal("");

export function announce(text: string): void {
  // Clearing first makes a repeated message be read again.
  announcement.value = "";
  queueMicrotask(() => {
    announcement.value = text;
  });
}
