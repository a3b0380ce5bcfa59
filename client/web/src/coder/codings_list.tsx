// The coder's own codings of the document, in text order: each names its
// code (number, name, colour), quotes the passage, shows the memo, and can be
// retracted with a reason while the round is open.
import { memo } from "preact/compat";
import { useMemo, useRef, useState } from "preact/hooks";
import type { Coding } from "../types";
import type { CodeEntry } from "./codebook";
import { num, t } from "../i18n";

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
      <span class="code-tag-number">{entry?.number ?? "?"}</span> <bdi>{entry?.code.name || code}</bdi>
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
          setError(t().codings.needReason);
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
        {t().codings.why}
        <textarea
          dir="auto"
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
          {t().codings.retractCoding}
        </button>
        <button type="button" onClick={onCancel}>
          {t().codings.keep}
        </button>
      </div>
    </form>
  );
}

interface ItemProps {
  shown: ShownCoding;
  entry: CodeEntry | undefined;
  text: string;
  canRetract: boolean;
  retracting: boolean;
  /** Stable across renders: they call the list's latest props. */
  actions: ItemActions;
}

interface ItemActions {
  show: (shown: ShownCoding) => void;
  emphasize: (id: string | null) => void;
  startRetract: (id: string | null) => void;
  retract: (coding: Coding, reason: string) => Promise<void>;
}

function sameItem(a: ItemProps, b: ItemProps): boolean {
  const x = a.shown.coding;
  const y = b.shown.coding;
  return (
    (x === y ||
      (x.id === y.id && x.code === y.code && x.state === y.state && x.memo === y.memo && x.segment === y.segment)) &&
    a.shown.start === b.shown.start &&
    a.shown.end === b.shown.end &&
    a.entry === b.entry &&
    a.text === b.text &&
    a.canRetract === b.canRetract &&
    a.retracting === b.retracting &&
    a.actions === b.actions
  );
}

// One coding of the list; it renders again only when what it shows changes,
// so adding a coding to a long list costs one item, not all of them.
const CodingItem = memo(function CodingItem({ shown, entry, text, canRetract, retracting, actions }: ItemProps) {
  const { coding } = shown;
  return (
    <li
      class="coding-item"
      data-coding={coding.id}
      onMouseEnter={() => actions.emphasize(coding.id)}
      onMouseLeave={() => actions.emphasize(null)}
    >
      <div class="coding-line">
        <CodeTag entry={entry} code={coding.code} />
        <button
          type="button"
          class="quiet small"
          onFocus={() => actions.emphasize(coding.id)}
          onBlur={() => actions.emphasize(null)}
          onClick={() => actions.show(shown)}
          aria-label={t().codings.showLabel(entry?.code.name || coding.code)}
        >
          {t().codings.show}
        </button>
        {canRetract && !retracting && (
          <button
            type="button"
            class="quiet small"
            onClick={() => actions.startRetract(coding.id)}
            aria-label={t().codings.retractLabel(entry?.code.name || coding.code)}
          >
            {t().codings.retract}
          </button>
        )}
      </div>
      <blockquote dir="auto">
        {coding.segment !== undefined && <span class="muted">{t().codings.segment(Number(coding.segment) + 1)}</span>}
        {excerpt(text, shown.start, shown.end)}
      </blockquote>
      {coding.memo && (
        <p class="memo">
          {t().codings.memo}
          <bdi>{coding.memo}</bdi>
        </p>
      )}
      {retracting && (
        <RetractForm
          onCancel={() => actions.startRetract(null)}
          onRetract={async (reason) => {
            await actions.retract(coding, reason);
            actions.startRetract(null);
          }}
        />
      )}
    </li>
  );
}, sameItem);

export function CodingsList(props: CodingsListProps) {
  const [retracting, setRetracting] = useState<string | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const actions = useMemo<ItemActions>(
    () => ({
      show: (shown) => latest.current.onShow(shown),
      emphasize: (id) => latest.current.onEmphasize(id),
      startRetract: setRetracting,
      retract: (coding, reason) => latest.current.onRetract(coding, reason),
    }),
    [],
  );
  return (
    <section class="codings card" aria-labelledby="codings-heading">
      <h2 id="codings-heading">
        {t().codings.heading} <span class="count">({num(props.codings.length)})</span>
      </h2>
      {props.codings.length === 0 && (
        <p class="empty">
          {t().codings.none[0]}
          <kbd>j</kbd>
          {t().codings.none[1]}
          <kbd>k</kbd>
          {t().codings.none[2]}
          <kbd>Enter</kbd>
          {t().codings.none[3]}
        </p>
      )}
      <ol class="coding-items">
        {props.codings.map((shown) => (
          <CodingItem
            key={shown.coding.id}
            shown={shown}
            entry={props.entries.get(shown.coding.code)}
            text={props.text}
            canRetract={props.canRetract}
            retracting={retracting === shown.coding.id}
            actions={actions}
          />
        ))}
      </ol>
      {props.retracted.length > 0 && (
        <details class="retracted">
          <summary>{t().codings.retractedList(props.retracted.length)}</summary>
          <ul>
            {props.retracted.map(({ coding, start, end }) => (
              <li key={coding.id}>
                <CodeTag entry={props.entries.get(coding.code)} code={coding.code} /> —{" "}
                <bdi class="muted">{t().quote(excerpt(props.text, start, end))}</bdi>
                {coding.retract_reason && (
                  <span>
                    {t().codings.reason("")}
                    <bdi>{coding.retract_reason}</bdi>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
