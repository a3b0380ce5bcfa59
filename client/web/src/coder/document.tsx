// The document view: the text with its segments and the coder's own
// codings; a passage is chosen with the mouse (snapped to words) or a segment
// by keyboard (j/k), and coded from the picker (Enter, then 1–9 or the list).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { announce } from "../announce";
import { encodeBase64Text, get, int64, listAll, path, post, requestId } from "../api";
import { nameCrumb } from "../crumbs";
import { useLoad } from "../data";
import { OffsetMap } from "../offsets";
import { href, type RouteProps } from "../router";
import { currentUser } from "../session";
import { useChanges } from "../stream";
import type { Code, Coding, Document, ListProgressResponse, ProgressState, Round } from "../types";
import { ErrorNote, Loading, ProgressBadge } from "../components/ui";
import { t } from "../i18n";
import { applicableCodes, codeTree, filterCodes, type CodeEntry } from "./codebook";
import { CodingsList, type ShownCoding } from "./codings_list";
import { assignLanes, marksByBlock, splitBlocks, type Mark, type Span } from "./highlights";
import { caretSpan, isSelectKey, moveFocus, type Caret } from "./keyboard_select";
import { Picker } from "./picker";
import { scrollToOffset, TextView } from "./text_view";

interface Prepared {
  document: Document;
  round: Round;
  entries: CodeEntry[];
  byId: Map<string, CodeEntry>;
  offsets: OffsetMap;
  segments: Span[];
  blocks: ReturnType<typeof splitBlocks>;
}

async function loadDocument(project: string, round: string, documentId: string): Promise<Prepared> {
  const [, doc, roundAnswer, codes] = await Promise.all([
    get<{ project: { title: string } }>(path("projects", project)).then(
      (answer) => nameCrumb("project", project, answer.project.title),
      () => undefined,
    ),
    get<{ document: Document }>(path("projects", project, "documents", documentId), { include_text: true }),
    get<{ round: Round }>(path("projects", project, "rounds", round)),
    listAll<Code>(path("projects", project, "codes"), "codes"),
  ]);
  const document = doc.document;
  const offsets = new OffsetMap(document.text);
  const toUtf16 = document.offset_unit === "UTF16_UNITS" ? (n: number) => n : (n: number) => offsets.toUtf16(n);
  const segments = document.segments.map((s) => ({ start: toUtf16(int64(s.start)), end: toUtf16(int64(s.end)) }));
  const entries = codeTree(codes);
  return {
    document,
    round: roundAnswer.round,
    entries,
    byId: new Map(entries.map((e) => [e.code.id, e])),
    offsets,
    segments,
    blocks: splitBlocks(document.text, segments),
  };
}

interface Work {
  codings: Coding[];
  state: ProgressState;
}

async function loadWork(project: string, round: string, documentId: string, coder: string): Promise<Work> {
  const [codings, progress] = await Promise.all([
    listAll<Coding>(path("projects", project, "rounds", round, "codings"), "codings", {
      coder,
      document: documentId,
      include_retracted: true,
    }),
    get<ListProgressResponse>(path("projects", project, "rounds", round, "progress"), { coder }),
  ]);
  const mine = progress.progress.find((p) => p.document === documentId && p.coder === coder);
  return { codings, state: mine?.state ?? "NOT_STARTED" };
}

type Target = { kind: "span"; span: Span } | { kind: "segment"; index: number };

function isTextField(element: Element | null): boolean {
  if (!element) return false;
  return (
    element instanceof HTMLInputElement ||
    element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement ||
    (element as HTMLElement).isContentEditable
  );
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return t().quote(flat.length > 90 ? `${flat.slice(0, 60)} … ${flat.slice(-20)}` : flat);
}

export function DocumentView({ params }: RouteProps) {
  const project = params.project!;
  const roundId = params.round!;
  const documentId = params.document!;
  const me = currentUser.value?.id ?? "";

  const prepared = useLoad(() => loadDocument(project, roundId, documentId), [project, roundId, documentId]);
  const work = useLoad(() => loadWork(project, roundId, documentId, me), [project, roundId, documentId, me]);
  // Writes made here are already drawn (merged below from the POST's answer):
  // their own change needs no reload of every coding, only a look at the
  // progress, which the server may have moved.
  const ownWrites = useRef(0);
  useChanges(
    project,
    (change) => {
      const own =
        ownWrites.current > 0 && change.coder === me && /CodingService\/(SubmitCodings|RetractCoding)$/.test(change.method ?? "");
      ownWrites.current = 0;
      if (!own) return work.reload();
      get<ListProgressResponse>(path("projects", project, "rounds", roundId, "progress"), { coder: me }).then(
        (progress) => {
          const mine = progress.progress.find((p) => p.document === documentId && p.coder === me);
          if ((mine?.state ?? "NOT_STARTED") !== work.data?.state) work.reload();
        },
        () => work.reload(),
      );
    },
    (change) => !change.document || change.document === documentId,
  );

  // Codings added or retracted here, merged with what was loaded (a load
  // that holds them supersedes them); kept across loads, since a load begun
  // before a write may answer after it.
  const [local, setLocal] = useState<{ added: Coding[]; retracted: Map<string, string> }>({
    added: [],
    retracted: new Map(),
  });
  useEffect(() => setLocal({ added: [], retracted: new Map() }), [project, roundId, documentId, me]);

  const [target, setTarget] = useState<Target | null>(null);
  const [currentSegment, setCurrentSegment] = useState(-1);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [filter, setFilter] = useState("");
  const [active, setActive] = useState(0);
  const [memo, setMemo] = useState("");
  const [emphasized, setEmphasized] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const listRef = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const onKeyRef = useRef<(event: KeyboardEvent) => void>(() => {});
  // The keyboard selection's ends (Shift+Arrow), null when none is under way.
  const caret = useRef<Caret | null>(null);

  const data = prepared.data;
  if (data) {
    nameCrumb("document", documentId, data.document.title);
    nameCrumb("round", roundId, data.round.title);
  }
  const open = data?.round.state === "OPEN";
  const state: ProgressState = work.data?.state ?? "NOT_STARTED";

  const allCodings = useMemo(() => {
    const base = work.data?.codings ?? [];
    const ids = new Set(base.map((c) => c.id));
    const merged = [...base, ...local.added.filter((c) => !ids.has(c.id))];
    return merged.map((c) =>
      local.retracted.has(c.id) ? { ...c, state: "RETRACTED" as const, retract_reason: local.retracted.get(c.id)! } : c,
    );
  }, [work.data, local]);

  const shownCodings = useMemo(() => {
    if (!data) return [] as ShownCoding[];
    return allCodings
      .map((coding): ShownCoding => {
        if (coding.span) {
          return {
            coding,
            start: data.offsets.toUtf16(int64(coding.span.start)),
            end: data.offsets.toUtf16(int64(coding.span.end)),
          };
        }
        const segment = data.segments[int64(coding.segment)];
        return { coding, start: segment?.start ?? 0, end: segment?.end ?? 0 };
      })
      .sort((a, b) => a.start - b.start || a.end - b.end);
  }, [data, allCodings]);

  const activeCodings = shownCodings.filter((s) => s.coding.state !== "RETRACTED");
  const retractedCodings = shownCodings.filter((s) => s.coding.state === "RETRACTED");

  const { marks, blockMarks, lanes } = useMemo(() => {
    const marks: Mark[] = activeCodings.map((s) => ({
      id: s.coding.id,
      code: s.coding.code,
      start: s.start,
      end: s.end,
      lane: 0,
    }));
    const lanes = assignLanes(marks);
    return { marks, blockMarks: data ? marksByBlock(data.blocks, marks) : [], lanes };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, shownCodings]);

  const shown = useMemo(() => (data ? filterCodes(data.entries, filter) : []), [data, filter]);
  useEffect(() => setActive(0), [filter]);

  const selectionSpan: Span | null =
    target?.kind === "span" ? target.span : target?.kind === "segment" ? data?.segments[target.index] ?? null : null;

  function targetWords(): string {
    if (!data || !target) return "";
    if (target.kind === "segment") {
      const s = data.segments[target.index]!;
      return t().doc.segmentQuote(target.index + 1, quote(data.document.text.slice(s.start, s.end)));
    }
    return t().doc.selectedQuote(quote(data.document.text.slice(target.span.start, target.span.end)));
  }

  function moveSegment(step: number) {
    if (!data || data.segments.length === 0) return;
    const next =
      currentSegment < 0 ? (step > 0 ? 0 : data.segments.length - 1) : Math.max(0, Math.min(data.segments.length - 1, currentSegment + step));
    setCurrentSegment(next);
    setTarget({ kind: "segment", index: next });
    caret.current = null;
    scrollToOffset(data.blocks, data.segments[next]!.start);
    const s = data.segments[next]!;
    announce(t().doc.segmentOf(next + 1, data.segments.length, quote(data.document.text.slice(s.start, Math.min(s.end, s.start + 200)))));
  }

  // Shift+Arrow: starts at the passage already chosen (its end), or at the
  // current segment's start, or at the text's start; then moves the free end.
  function selectByKey(key: Parameters<typeof moveFocus>[3], byWord: boolean) {
    if (!data || !open) return;
    let start = caret.current;
    if (!start) {
      if (target?.kind === "span") start = { anchor: target.span.start, focus: target.span.end };
      else {
        const segment = data.segments[target?.kind === "segment" ? target.index : currentSegment];
        const at = segment?.start ?? 0;
        start = { anchor: at, focus: at };
      }
    }
    const next = moveFocus(data.document.text, data.blocks, start, key, byWord);
    caret.current = next;
    const span = caretSpan(next);
    setTarget(span ? { kind: "span", span } : null);
    if (span) announce(t().doc.selected(quote(data.document.text.slice(span.start, span.end))));
    // Keeps the moving end in view.
    setTimeout(() => {
      const marks = document.querySelectorAll(".doc-text .sel");
      const end = next.focus >= next.anchor ? marks[marks.length - 1] : marks[0];
      end?.scrollIntoView({ block: "nearest" });
    }, 0);
  }

  function openPicker() {
    if (!open) return;
    if (!target) {
      if (currentSegment >= 0) setTarget({ kind: "segment", index: currentSegment });
      else if (data && data.segments.length > 0) {
        setCurrentSegment(0);
        setTarget({ kind: "segment", index: 0 });
      } else return;
    }
    setPickerOpen(true);
    setTimeout(() => listRef.current?.focus(), 0);
  }

  function closePicker() {
    caret.current = null;
    setPickerOpen(false);
    setTarget(currentSegment >= 0 ? { kind: "segment", index: currentSegment } : null);
    setFilter("");
    textRef.current?.focus();
  }

  async function apply(entry: CodeEntry) {
    if (!data || !target || busy) return;
    setBusy(true);
    setActionError(undefined);
    const input: Record<string, unknown> = { document: documentId, code: entry.code.id };
    if (target.kind === "segment") input.segment = String(target.index);
    else {
      input.span = {
        start: String(data.offsets.toCodePoint(target.span.start, "down")),
        end: String(data.offsets.toCodePoint(target.span.end, "up")),
      };
    }
    if (memo.trim()) input.memo = encodeBase64Text(memo.trim());
    try {
      const answer = await post<{ coding_ids: string[] }>(path("projects", project, "rounds", roundId, "codings"), {
        codings: [input],
        request_id: requestId(),
      });
      const added: Coding = {
        id: answer.coding_ids[0] ?? `local-${Date.now()}`,
        round: roundId,
        coder: me,
        document: documentId,
        code: entry.code.id,
        ...(target.kind === "segment" ? { segment: String(target.index) } : { span: input.span as Coding["span"] }),
        memo: memo.trim(),
        codebook_revision: "0",
        state: "ACTIVE",
        submitted_by: "",
        retract_reason: "",
        retracted_by: "",
      };
      ownWrites.current++;
      setLocal((l) => ({ ...l, added: [...l.added, added] }));
      announce(t().doc.coded(entry.code.name || entry.code.id));
      setMemo("");
      setFilter("");
      setPickerOpen(false);
      caret.current = null;
      setTarget(currentSegment >= 0 ? { kind: "segment", index: currentSegment } : null);
      textRef.current?.focus();
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function retract(coding: Coding, reason: string) {
    await post(path("projects", project, "rounds", roundId, "codings", coding.id + ":retract"), {
      reason,
      request_id: requestId(),
    });
    ownWrites.current++;
    setLocal((l) => ({ ...l, retracted: new Map(l.retracted).set(coding.id, reason) }));
    announce(t().doc.retracted);
  }

  async function setProgress(next: "DONE" | "IN_PROGRESS") {
    setBusy(true);
    setActionError(undefined);
    try {
      await post(path("projects", project, "rounds", roundId, "documents", documentId, "progress"), {
        state: next,
        request_id: requestId(),
      });
      announce(next === "DONE" ? t().doc.markedDone : t().doc.reopened);
      work.reload();
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  // Bare keys act on the document, never inside a text field. The listener
  // is added once and calls the handler of the latest render, so a key
  // pressed right after a change acts on what is on screen.
  onKeyRef.current = (event: KeyboardEvent) => {
    const focused = document.activeElement;
    if (event.shiftKey && isSelectKey(event.key) && !event.metaKey && !event.altKey && !isTextField(focused)) {
      // Only from the text (or nowhere in particular), not from a control elsewhere.
      if (!focused || focused === document.body || focused.closest(".doc-pane")) {
        event.preventDefault();
        selectByKey(event.key, event.ctrlKey);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      if (pickerOpen || target) {
        event.preventDefault();
        closePicker();
      }
      return;
    }
    if (isTextField(focused)) return;
    const onControl = focused?.closest("button, a, summary, [role=listbox]");
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      moveSegment(event.key === "j" ? 1 : -1);
    } else if (event.key === "Enter" && !onControl) {
      event.preventDefault();
      openPicker();
    } else if (/^[1-9]$/.test(event.key) && target && open && !onControl) {
      const entry = applicableCodes(shown)[Number(event.key) - 1];
      if (entry) {
        event.preventDefault();
        void apply(entry);
      }
    } else if (event.key === "/" && open) {
      event.preventDefault();
      if (!pickerOpen) openPicker();
      setTimeout(() => filterRef.current?.focus(), 0);
    }
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => onKeyRef.current(event);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // The text's handlers, the same function on every render (so the text view
  // need not render again), calling this render's code.
  const textHandlers = useRef({ select: (_span: Span) => {}, clickSegment: (_index: number, _at: number) => {} });
  textHandlers.current = {
    select: (span) => {
      if (!open) return;
      caret.current = null;
      setTarget({ kind: "span", span });
      setPickerOpen(true);
    },
    // A click puts the keyboard caret there (Shift+Arrow selects from it)
    // and chooses the segment it is in.
    clickSegment: (index, at) => {
      caret.current = { anchor: at, focus: at };
      if (index < 0) return;
      setCurrentSegment(index);
      if (open) setTarget({ kind: "segment", index });
    },
  };
  const onSelectText = useMemo(() => (span: Span) => textHandlers.current.select(span), []);
  const onClickSegment = useMemo(() => (index: number, at: number) => textHandlers.current.clickSegment(index, at), []);

  if (prepared.error) return <ErrorNote error={prepared.error} />;
  if (!data) return <Loading what={t().what.document} />;

  const total = data.document.length_code_points;
  return (
    <div class="document-screen">
      <div class="doc-head">
        <div>
          <h1 tabIndex={-1}>
            <bdi>{data.document.title || data.document.id}</bdi>
          </h1>
          <p class="muted">
            {t().doc.summary(Number(total), data.segments.length)} ·{" "}
            <a href={href("/projects/:project/rounds/:round", params)}>{t().doc.allDocuments}</a>
          </p>
        </div>
        <div class="doc-actions">
          <ProgressBadge state={state} />
          {open && state !== "DONE" && (
            <button type="button" class="primary" disabled={busy} onClick={() => setProgress("DONE")}>
              <span aria-hidden="true">✓</span> {t().doc.done}
            </button>
          )}
          {open && state === "DONE" && (
            <button type="button" disabled={busy} onClick={() => setProgress("IN_PROGRESS")}>
              {t().doc.reopen}
            </button>
          )}
        </div>
      </div>
      {!open && (
        <p class="notice">
          {t().doc.closedRound((t().roundState[data.round.state] ?? data.round.state).toLowerCase())}
        </p>
      )}
      <ErrorNote error={actionError ?? work.error} />
      <div class="doc-layout">
        <section
          class="doc-pane"
          aria-label={t().doc.textOf(data.document.title || data.document.id)}
          tabIndex={0}
          ref={textRef}
        >
          <p class="sr-only">{t().doc.keys}</p>
          <TextView
            text={data.document.text}
            blocks={data.blocks}
            segments={data.segments}
            marks={marks}
            blockMarks={blockMarks}
            lanes={lanes}
            entries={data.byId}
            currentSegment={currentSegment}
            selection={selectionSpan}
            emphasized={emphasized}
            onSelect={onSelectText}
            onClickSegment={onClickSegment}
          />
        </section>
        <aside class="doc-side" aria-label={t().doc.coding}>
          {pickerOpen && target && open ? (
            <Picker
              shown={shown}
              filter={filter}
              onFilter={setFilter}
              active={active}
              onActive={setActive}
              memo={memo}
              onMemo={setMemo}
              targetWords={targetWords()}
              onApply={(entry) => void apply(entry)}
              onClose={closePicker}
              busy={busy}
              listRef={listRef}
              filterRef={filterRef}
            />
          ) : (
            open && (
              <div class="card hint-card">
                {target ? (
                  <>
                    <p class="target-words">{targetWords()}</p>
                    <button type="button" class="primary" onClick={openPicker}>
                      {t().doc.codeThis} <kbd>Enter</kbd>
                    </button>
                  </>
                ) : (
                  <p class="muted">
                    {t().doc.start[0]}
                    <kbd>j</kbd>
                    {t().doc.start[1]}
                  </p>
                )}
              </div>
            )
          )}
          <CodingsList
            codings={activeCodings}
            retracted={retractedCodings}
            text={data.document.text}
            entries={data.byId}
            canRetract={open}
            onEmphasize={setEmphasized}
            onShow={(s) => {
              scrollToOffset(data.blocks, s.start);
              setEmphasized(s.coding.id);
            }}
            onRetract={retract}
          />
        </aside>
      </div>
    </div>
  );
}
