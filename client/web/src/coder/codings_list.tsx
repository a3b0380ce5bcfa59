// The coder's own codings of the document, in text order: each names its
// code (number, name, colour), quotes the passage, shows the memo, and can be
// retracted with a reason while the round is open.
import { useState } from "preact/hooks";
import type { Coding } from "../types";
import type { CodeEntry } from "./codebook";

export interface ShownCoding {
  coding: Coding;
  /** UTF-16 offsets in the text, for the excerpt and scrolling. */
  start: number;
  end: number;
}

export interface CodingsListProps {
  codings: ShownCoding[];
  retracted: ShownCoding[];
  text: string;
  entries: Map<string, CodeEntry>;
  canRetract: boolean;
  onShow: (coding: ShownCoding) => void;
  onEmphasize: (id: string | null) => void;
  onRetract: (coding: Coding, reason: string) => Promise<void>;
}

function excerpt(text: string, start: number, end: number): string {
  const passage = text.slice(start, end).replace(/\s+/g, " ").trim();
  return passage.length > 140 ? passage.slice(0, 100) + " … " + passage.slice(-30) : passage;
}

function CodeTag({ entry, code }: { entry: CodeEntry | undefined; code: string }) {
  return (
    <span class="code-tag">
      <span class="swatch" style={{ background: entry?.color ?? "#555555" }} />
      <span class="code-tag-number">{entry?.number ?? "?"}</span> {entry?.code.name || code}
    </span>
  );
}

function RetractForm({ onRetract, onCancel }: { onRetract: (reason: string) => Promise<void>; onCancel: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="retract-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!reason.trim()) {
          setError("Say why you retract this coding; the reason is kept in the audit trail.");
          return;
        }
        setBusy(true);
        try {
          await onRetract(reason.trim());
        } catch (err) {
          setError((err as Error).message);
          setBusy(false);
        }
      }}
    >
      <label>
        Why retract it?
        <textarea
          value={reason}
          rows={2}
          ref={(el) => el?.focus()}
          onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => e.key === "Escape" && onCancel()}
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" class="danger" disabled={busy}>
          Retract coding
        </button>
        <button type="button" onClick={onCancel}>
          Keep it
        </button>
      </div>
    </form>
  );
}

export function CodingsList(props: CodingsListProps) {
  const [retracting, setRetracting] = useState<string | null>(null);
  return (
    <section class="codings card" aria-labelledby="codings-heading">
      <h2 id="codings-heading">
        Your codings <span class="count">({props.codings.length})</span>
      </h2>
      {props.codings.length === 0 && (
        <p class="empty">
          None yet. Select a passage with the mouse, or move through the segments with <kbd>j</kbd> and{" "}
          <kbd>k</kbd> and press <kbd>Enter</kbd>.
        </p>
      )}
      <ol class="coding-items">
        {props.codings.map((shown) => {
          const { coding } = shown;
          const entry = props.entries.get(coding.code);
          return (
            <li
              key={coding.id}
              class="coding-item"
              data-coding={coding.id}
              onMouseEnter={() => props.onEmphasize(coding.id)}
              onMouseLeave={() => props.onEmphasize(null)}
            >
              <div class="coding-line">
                <CodeTag entry={entry} code={coding.code} />
                <button
                  type="button"
                  class="quiet small"
                  onFocus={() => props.onEmphasize(coding.id)}
                  onBlur={() => props.onEmphasize(null)}
                  onClick={() => props.onShow(shown)}
                  aria-label={`Show the passage coded ${entry?.code.name || coding.code}`}
                >
                  Show
                </button>
                {props.canRetract && retracting !== coding.id && (
                  <button
                    type="button"
                    class="quiet small"
                    onClick={() => setRetracting(coding.id)}
                    aria-label={`Retract the coding ${entry?.code.name || coding.code}`}
                  >
                    Retract…
                  </button>
                )}
              </div>
              <blockquote>
                {coding.segment !== undefined && <span class="muted">Segment {Number(coding.segment) + 1}: </span>}
                {excerpt(props.text, shown.start, shown.end)}
              </blockquote>
              {coding.memo && <p class="memo">Memo: {coding.memo}</p>}
              {retracting === coding.id && (
                <RetractForm
                  onCancel={() => setRetracting(null)}
                  onRetract={async (reason) => {
                    await props.onRetract(coding, reason);
                    setRetracting(null);
                  }}
                />
              )}
            </li>
          );
        })}
      </ol>
      {props.retracted.length > 0 && (
        <details class="retracted">
          <summary>Retracted ({props.retracted.length})</summary>
          <ul>
            {props.retracted.map(({ coding, start, end }) => (
              <li key={coding.id}>
                <CodeTag entry={props.entries.get(coding.code)} code={coding.code} /> —{" "}
                <span class="muted">“{excerpt(props.text, start, end)}”</span>
                {coding.retract_reason && <span> · reason: {coding.retract_reason}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
