// The code picker: the codebook tree, filtered as one types, keys 1–9 on the
// first nine codes shown, and the chosen code's definition, inclusion and
// exclusion criteria and example beside the list, since the codebook is the
// coder's reference while choosing. A grouping code (one that only groups
// the codes under it) stays in the list as a heading no key or click applies.
import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import { applicableCodes, type CodeEntry } from "./codebook";

export interface PickerProps {
  /** The codes shown (already filtered), in tree order, grouping codes included. */
  shown: CodeEntry[];
  filter: string;
  onFilter: (text: string) => void;
  active: number;
  /** An index into the applicable codes of `shown` (grouping codes skipped). */
  onActive: (index: number) => void;
  memo: string;
  onMemo: (text: string) => void;
  /** What is being coded, in words ("the selected passage “…”"). */
  targetWords: string;
  onApply: (entry: CodeEntry) => void;
  onClose: () => void;
  busy: boolean;
  listRef: RefObject<HTMLDivElement>;
  filterRef: RefObject<HTMLInputElement>;
}

function Criteria({ entry }: { entry: CodeEntry | undefined }) {
  const m = t().picker;
  if (!entry) return <p class="muted">{m.noMatch}</p>;
  const { code } = entry;
  const rows: [string, string][] = [
    [m.definition, code.definition],
    [m.inclusion, code.inclusion_criteria],
    [m.exclusion, code.exclusion_criteria],
    [m.example, code.example],
  ];
  return (
    <div class="criteria" aria-live="off">
      <h3>
        <span class="swatch" style={{ background: entry.color }} />
        {entry.number}. <bdi>{code.name || code.id}</bdi>
      </h3>
      {entry.path.length > 0 && <p class="muted" dir="auto">{m.in(entry.path.join(" › "))}</p>}
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd dir="auto" class={value ? "" : "muted"}>{value || "—"}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function Picker(props: PickerProps) {
  const { shown, active } = props;
  const options = applicableCodes(shown);
  const activeEntry = options[active];
  const m = t().picker;
  const optionsRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    optionsRef.current?.querySelector(`[data-i="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active, shown]);

  function listKeys(event: KeyboardEvent) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    if (key === "ArrowDown" || key === "ArrowUp") {
      event.preventDefault();
      const step = key === "ArrowDown" ? 1 : -1;
      props.onActive(Math.max(0, Math.min(options.length - 1, active + step)));
    } else if (key === "Home" || key === "End") {
      event.preventDefault();
      props.onActive(key === "Home" ? 0 : options.length - 1);
    } else if (key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      if (activeEntry) props.onApply(activeEntry);
    } else if (/^[1-9]$/.test(key)) {
      event.preventDefault();
      event.stopPropagation();
      const entry = options[Number(key) - 1];
      if (entry) props.onApply(entry);
    } else if (key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      props.onClose();
    } else if (key.length === 1 && /\S/.test(key)) {
      // Typing in the list filters it.
      event.preventDefault();
      event.stopPropagation();
      props.onFilter(props.filter + key);
      props.filterRef.current?.focus();
    } else if (key === "Backspace") {
      event.preventDefault();
      props.onFilter(props.filter.slice(0, -1));
    }
  }

  function filterKeys(event: KeyboardEvent) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      props.listRef.current?.focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (activeEntry) props.onApply(activeEntry);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      props.onClose();
    }
  }

  return (
    <section class="picker card" aria-labelledby="picker-heading">
      <div class="picker-head">
        <h2 id="picker-heading">{m.heading}</h2>
        <button type="button" class="quiet" onClick={props.onClose}>
          {m.close} <kbd>Esc</kbd>
        </button>
      </div>
      <p class="target-words" dir="auto">{props.targetWords}</p>
      <label for="code-filter">{m.find}</label>
      <input
        id="code-filter"
        ref={props.filterRef}
        type="search"
        autoComplete="off"
        dir="auto"
        placeholder={m.placeholder}
        value={props.filter}
        onInput={(e) => props.onFilter((e.target as HTMLInputElement).value)}
        onKeyDown={filterKeys}
      />
      <div class="picker-body">
        <div
          ref={(el) => {
            (props.listRef as { current: HTMLDivElement | null }).current = el;
            optionsRef.current = el;
          }}
          class="code-list"
          role="listbox"
          tabIndex={0}
          aria-label={m.codes}
          aria-activedescendant={activeEntry ? `code-option-${activeEntry.code.id}` : undefined}
          onKeyDown={listKeys}
        >
          {shown.map((entry) => {
            if (entry.grouping) {
              return (
                <div
                  key={entry.code.id}
                  id={`code-option-${entry.code.id}`}
                  role="option"
                  aria-selected={false}
                  aria-disabled="true"
                  title={m.grouping}
                  class={`code-option code-group depth-${Math.min(entry.depth, 4)}`}
                >
                  <span class="hotkey" aria-hidden="true" />
                  <span class="swatch" style={{ background: entry.color }} />
                  <span class="code-name" dir="auto">
                    {entry.code.name || entry.code.id}
                    <span class="sr-only">{m.groupingCode}</span>
                  </span>
                  <span class="code-number muted">{entry.number}</span>
                </div>
              );
            }
            const i = options.indexOf(entry);
            return (
              <div
                key={entry.code.id}
                id={`code-option-${entry.code.id}`}
                data-i={i}
                role="option"
                aria-selected={i === active}
                class={`code-option depth-${Math.min(entry.depth, 4)}${i === active ? " active" : ""}`}
                onMouseEnter={() => props.onActive(i)}
                onClick={() => props.onApply(entry)}
              >
                <span class="hotkey" aria-hidden={i >= 9}>
                  {i < 9 ? <kbd>{i + 1}</kbd> : null}
                </span>
                <span class="swatch" style={{ background: entry.color }} />
                <span class="code-name" dir="auto">
                  {entry.code.name || entry.code.id}
                  {entry.path.length > 0 && <span class="sr-only">{m.inPath(entry.path.join(t().listSeparator))}</span>}
                </span>
                <span class="code-number muted">{entry.number}</span>
              </div>
            );
          })}
        </div>
        <Criteria entry={activeEntry} />
      </div>
      <label for="coding-memo">{m.memo}</label>
      <textarea
        id="coding-memo"
        dir="auto"
        value={props.memo}
        rows={2}
        onInput={(e) => props.onMemo((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && activeEntry) {
            e.preventDefault();
            props.onApply(activeEntry);
          }
        }}
      />
      <div class="picker-actions">
        <button
          type="button"
          class="primary"
          disabled={!activeEntry || props.busy}
          onClick={() => activeEntry && props.onApply(activeEntry)}
        >
          {activeEntry ? m.applyName(activeEntry.code.name || activeEntry.code.id) : m.apply}
        </button>
        <span class="muted hint">
          <kbd>↑</kbd> <kbd>↓</kbd> {m.choose} · <kbd>Enter</kbd> {m.applyKey} · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> {m.fromMemo}
        </span>
      </div>
    </section>
  );
}
