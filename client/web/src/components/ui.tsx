// Small pieces every screen uses. States always carry words (and an icon),
// never colour alone.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { ProgressState, RoundState } from "../types";
import { t } from "../i18n";

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      {t().loading(what)}
    </p>
  );
}

export function ErrorNote({ error }: { error: Error | string | undefined }) {
  if (!error) return null;
  const text = typeof error === "string" ? error : error.message;
  return (
    <p class="error" role="alert">
      <span aria-hidden="true" class="icon">⚠</span> {text}
    </p>
  );
}

const roundIcons: Record<string, string> = { OPEN: "●", RECONCILING: "◐", CLOSED: "■" };

export function RoundStateBadge({ state }: { state: RoundState }) {
  const shown = { icon: roundIcons[state] ?? "?", words: t().roundState[state] ?? state };
  return (
    <span class={`badge state-${state.toLowerCase()}`}>
      <span aria-hidden="true">{shown.icon}</span> {shown.words}
    </span>
  );
}

const progressIcons: Record<string, string> = { NOT_STARTED: "○", IN_PROGRESS: "◑", DONE: "✓" };

export function ProgressBadge({ state }: { state: ProgressState }) {
  const shown = { icon: progressIcons[state] ?? "?", words: t().progressState[state] ?? state };
  return (
    <span class={`badge progress-${state.toLowerCase()}`}>
      <span aria-hidden="true">{shown.icon}</span> {shown.words}
    </span>
  );
}

/** "k of n documents done" with a bar; the words carry the number. */
export function DoneMeter({ done, total, label }: { done: number; total: number; label?: string }) {
  const words = t().documentsDone(done, total);
  return (
    <span class="meter">
      <meter min={0} max={Math.max(total, 1)} value={done} aria-label={label ? `${label}: ${words}` : words} />
      <span class="meter-words">{words}</span>
    </span>
  );
}

/** The screen's heading, focused on arrival so keyboard users start there. */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
