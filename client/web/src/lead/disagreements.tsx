// The disagreement queue of a round: worst codes first, filterable by code,
// document and coder; each disagreement shows its passage with every coder's
// value side by side (names hidden on request) and takes one decision with a
// rationale that cannot be empty. Keys: n/p move, 1–9 choose, Enter resolves.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, get, path, post, requestId } from "../api";
import { announce } from "../announce";
import { nameCrumb } from "../crumbs";
import { useLoad } from "../data";
import { OffsetMap } from "../offsets";
import type { RouteProps } from "../router";
import { href } from "../router";
import { useChanges } from "../stream";
import type { Code, Document, Round } from "../types";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { t } from "../i18n";
import type { Disagreement, Domain, Resolution } from "./agreement_types";
import { worstFirst } from "./agreement_view";
import { loadAgreement, loadCodes, loadDisagreements, loadDomains, loadRound } from "./load";
import { coderLabels, decisionsFor, filterQueue, orderQueue, queueKey, rationaleProblem,
  resolvedText, subjectOf, type QueueFilter } from "./queue";
import { RoundControl } from "./round_control";
import "./lead.css";

interface QueueData {
  round: Round;
  items: Disagreement[];
  codes: Code[];
  domains: Domain[];
  worst: string[];
}

async function loadQueue(project: string, roundId: string): Promise<QueueData> {
  const [round, items, codes, domains, agreement] = await Promise.all([
    loadRound(project, roundId),
    loadDisagreements(project, roundId),
    loadCodes(project),
    loadDomains(project),
    loadAgreement(project, roundId, { analysis: "code", coefficients: ["krippendorff_alpha"], rollupDepth: 0 })
      .catch(() => undefined),
  ]);
  const worst = agreement ? worstFirst(agreement.rows, "krippendorff_alpha") : [];
  return { round, items: orderQueue(items, worst), codes, domains, worst };
}

/** Document texts, each fetched once, with its offset map. */
function useTexts(project: string) {
  const cache = useRef(new Map<string, Promise<{ text: string; offsets: OffsetMap }>>());
  return (document: string) => {
    let entry = cache.current.get(document);
    if (!entry) {
      entry = get<{ document: Document }>(path("projects", project, "documents", document),
        { include_text: true }).then(({ document: d }) => {
        // Document.text is a string field (resources.proto): JSON text, not base64.
        const text = d.text;
        return { text, offsets: new OffsetMap(text) };
      });
      cache.current.set(document, entry);
    }
    return entry;
  };
}

function Passage({ item, textOf }: { item: Disagreement;
    textOf: (d: string) => Promise<{ text: string; offsets: OffsetMap }> }) {
  const [passage, setPassage] = useState<string | Error>();
  useEffect(() => {
    let live = true;
    setPassage(undefined);
    textOf(item.document).then(({ text, offsets }) => {
      if (live) setPassage(text.slice(offsets.toUtf16(Number(item.start)), offsets.toUtf16(Number(item.end))));
    }, (e: Error) => live && setPassage(e));
    return () => { live = false; };
  }, [item.id]);
  if (passage instanceof Error) return <ErrorNote error={passage} />;
  if (passage === undefined) return <Loading what={t().queue.whatPassage} />;
  return <blockquote class="passage" aria-label={t().queue.passage} tabIndex={0}>{passage}</blockquote>;
}

export function DisagreementQueue({ params }: RouteProps) {
  const project = params.project!;
  const roundId = params.round!;
  const loaded = useLoad(() => loadQueue(project, roundId), [project, roundId]);
  const [items, setItems] = useState<Disagreement[]>([]);
  const [round, setRound] = useState<Round>();
  useEffect(() => {
    if (loaded.data) {
      setItems(loaded.data.items);
      setRound(loaded.data.round);
    }
  }, [loaded.data]);
  useChanges(project, () => loaded.reload(), (c) => c.round === roundId &&
    (c.kind === "CHANGE_KIND_CODINGS" || c.kind === "CHANGE_KIND_ROUND" || c.kind === "CHANGE_KIND_RESOLUTION"));

  const [filter, setFilter] = useState<QueueFilter>({});
  const [hideNames, setHideNames] = useState(false);
  const [currentId, setCurrentId] = useState<string>();
  const [choice, setChoiceState] = useState<string>();
  // The key handler may run before a re-render: it reads the latest choice here.
  const choiceRef = useRef<string>();
  const setChoice = (value: string | undefined) => {
    choiceRef.current = value;
    setChoiceState(value);
  };
  const [rationale, setRationale] = useState("");
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const rationaleRef = useRef<HTMLTextAreaElement>(null);
  const textOf = useTexts(project);

  const shown = useMemo(() => filterQueue(items, filter), [items, filter]);
  const current = shown.find((d) => d.id === currentId) ?? shown[0];
  const index = current ? shown.indexOf(current) : -1;
  const data = loaded.data;
  const codeName = (id: string) => data?.codes.find((c) => c.id === id)?.name || id;
  const decisions = current && data ? decisionsFor(current, codeName, data.domains) : [];
  const coders = round?.coders ?? [];
  const labels = coderLabels(coders, hideNames);
  if (round) nameCrumb("round", round.id, round.title || round.id);

  // A new current disagreement starts from its resolution, or nothing chosen.
  useEffect(() => {
    setChoice(current?.resolution?.value);
    setRationale(current?.resolution?.rationale ?? "");
    setProblem(undefined);
  }, [current?.id]);

  const move = (step: number) => {
    if (shown.length === 0) return;
    const next = shown[(index + step + shown.length) % shown.length]!;
    setCurrentId(next.id);
  };

  const resolve = async () => {
    const choice = choiceRef.current;
    if (!current || busy) return;
    if (choice === undefined) {
      setProblem(t().queue.chooseFirst);
      return;
    }
    const missing = rationaleProblem(rationale);
    if (missing) {
      setProblem(missing);
      rationaleRef.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const answer = await post<{ resolution: Resolution }>(
        path("projects", project, "rounds", roundId, "disagreements", current.id) + ":resolve",
        { value: choice, rationale, request_id: requestId() });
      const updated = items.map((d) => d.id === current.id ? { ...d, resolution: answer.resolution } : d);
      setItems(updated);
      announce(t().queue.resolvedNow(resolvedText(updated)));
      const nextOpen = filterQueue(updated, filter).find((d, i) => i > index && !d.resolution)
        ?? filterQueue(updated, filter).find((d) => !d.resolution);
      if (nextOpen) setCurrentId(nextOpen.id);
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const keys = useRef({ move, resolve, decisions });
  keys.current = { move, resolve, decisions };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { move, resolve, decisions } = keys.current;
      if (event.altKey || event.metaKey) return;
      const target = event.target as HTMLElement | null;
      const inText = !!target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" ||
        target.tagName === "SELECT" || target.isContentEditable);
      if (!inText && event.key === "Enter" && target?.tagName === "BUTTON") return;
      const action = queueKey(event.key, inText, event.ctrlKey);
      if (!action) return;
      event.preventDefault();
      if (action.kind === "next") move(1);
      else if (action.kind === "previous") move(-1);
      else if (action.kind === "choose") {
        const d = decisions[action.index];
        if (d) setChoice(d.value);
      } else void resolve();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const reconciling = round?.state === "RECONCILING";
  const resolvedCount = items.filter((d) => d.resolution).length;
  const subjects = [...new Set(items.map(subjectOf))];
  const documents = [...new Set(items.map((d) => d.document))];
  const setFilterField = (field: keyof QueueFilter, value: string | boolean) =>
    setFilter((f) => ({ ...f, [field]: value || undefined }));

  return (
    <section class="lead-screen">
      <PageHeading>
        {t().queue.heading} · <bdi>{round?.title || roundId}</bdi>
      </PageHeading>
      {round && <RoundControl project={project} round={round} onAdvanced={(r) => { setRound(r); loaded.reload(); }} />}
      <ErrorNote error={loaded.error} />
      {!data && !loaded.error && <Loading what={t().queue.what} />}
      {data && (
        <>
          <div class="progress-line">
            <meter min={0} max={Math.max(items.length, 1)} value={resolvedCount}
              aria-label={t().queue.resolvedOf(resolvedCount, items.length)} />
            <strong class="resolved-count">{resolvedText(items)}</strong>
            <a href={href("/projects/:project/rounds/:round/consensus", params)}>{t().queue.consensus}</a>
            <span class="key-help"><kbd>n</kbd>/<kbd>p</kbd> {t().queue.keys[0]} · <kbd>1</kbd>–<kbd>9</kbd> {t().queue.keys[1]} ·{" "}
              <kbd>Enter</kbd> {t().queue.keys[2]} (<kbd>Ctrl</kbd>+<kbd>Enter</kbd> {t().queue.keys[3]})</span>
          </div>
          {!reconciling && (
            <p class="note-warn">
              <span aria-hidden="true">ⓘ</span>{" "}
              {round?.state === "OPEN"
                ? t().queue.openRound
                : t().queue.closedRound}
            </p>
          )}
          {items.length === 0 && <p class="empty">{t().queue.none}</p>}
          {items.length > 0 && (
            <div class="queue">
              <div>
                <div class="queue-filters card">
                  <label for="f-code">{t().agreement.code}</label>
                  <select id="f-code" value={filter.code ?? ""} onChange={(e) => setFilterField("code", (e.target as HTMLSelectElement).value)}>
                    <option value="">{t().queue.allCodes}</option>
                    {subjects.map((s) => <option key={s} value={s}>{codeName(s)}</option>)}
                  </select>
                  <label for="f-doc">{t().round.document}</label>
                  <select id="f-doc" value={filter.document ?? ""} onChange={(e) => setFilterField("document", (e.target as HTMLSelectElement).value)}>
                    <option value="">{t().queue.allDocuments}</option>
                    {documents.map((d) => <option key={d} value={d}>{d}</option>)}
                  </select>
                  <label for="f-coder">{t().queue.outside}</label>
                  <select id="f-coder" value={filter.coder ?? ""} onChange={(e) => setFilterField("coder", (e.target as HTMLSelectElement).value)}>
                    <option value="">{t().queue.anyCoder}</option>
                    {coders.map((c) => <option key={c} value={c}>{labels.get(c)}</option>)}
                  </select>
                  <label class="check"><input type="checkbox" checked={!!filter.unresolvedOnly}
                    onChange={(e) => setFilterField("unresolvedOnly", (e.target as HTMLInputElement).checked)} /> {t().queue.unresolvedOnly}</label>
                  <label class="check"><input type="checkbox" checked={hideNames}
                    onChange={(e) => setHideNames((e.target as HTMLInputElement).checked)} /> {t().queue.hideNames}</label>
                </div>
                <p class="muted">{t().queue.shownOf(shown.length, items.length)}</p>
                <ul class="queue-list" aria-label={t().queue.heading}>
                  {shown.map((d) => (
                    <li key={d.id}>
                      <button type="button" aria-current={d === current ? "true" : undefined}
                        onClick={() => setCurrentId(d.id)} data-id={d.id}>
                        <bdi>{codeName(subjectOf(d))}</bdi>
                        <span class="where">{t().queue.where(d.document, Number(d.segment) + 1)} ·{" "}
                          {d.resolution
                            ? <span class="status-resolved"><span aria-hidden="true">✓</span> {t().queue.resolvedAs(d.resolution.value === "none" ? t().queue.noneValue : codeName(d.resolution.value))}</span>
                            : <span class="status-open"><span aria-hidden="true">○</span> {t().queue.open}</span>}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
              {current && (
                <article class="card current" aria-labelledby="current-title" data-id={current.id}>
                  <h2 id="current-title">
                    {t().queue.nOf(index + 1, shown.length)} <bdi>{codeName(subjectOf(current))}</bdi>{" "}
                    <span class="muted">{t().queue.kindWhere(!!current.code, current.document, Number(current.segment) + 1)}</span>
                  </h2>
                  <Passage item={current} textOf={textOf} />
                  <div class="coders-side" role="list" aria-label={t().queue.whatEach}>
                    {coders.map((c) => {
                      const v = current.values[c];
                      if (v === undefined) {
                        return (
                          <div key={c} role="listitem" class="coder-value not-counted">
                            <span class="who">{labels.get(c)}</span>
                            <span class="what"><span aria-hidden="true">–</span> {t().queue.notCounted}</span>
                          </div>
                        );
                      }
                      return (
                        <div key={c} role="listitem" class={`coder-value ${v !== "none" ? "applied" : ""}`}>
                          <span class="who">{labels.get(c)}</span>
                          <span class="what">
                            {v === "none" ? <><span aria-hidden="true">✗</span> {t().queue.notCoded}</> :
                              <><span aria-hidden="true">✓</span> <bdi>{codeName(v)}</bdi></>}
                          </span>
                        </div>
                      );
                    })}
                  </div>
                  {current.suggestion && <p class="muted">{t().queue.majority(current.suggestion === "none" ? t().queue.notCoded : codeName(current.suggestion))}</p>}
                  {current.resolution && (
                    <p class="resolved-note notice">
                      <span aria-hidden="true">✓</span> {t().queue.resolvedBy(hideNames ? t().queue.theLead : current.resolution.resolved_by)}{" "}
                      {current.resolution.value === "none" ? t().queue.noneValue : codeName(current.resolution.value)} — {t().quote(current.resolution.rationale)}
                      {reconciling && t().queue.replaces}
                    </p>
                  )}
                  {reconciling && (
                    <form onSubmit={(e) => { e.preventDefault(); void resolve(); }} aria-label={t().queue.decision}>
                      <fieldset class="decision">
                        <legend>{t().queue.decision}</legend>
                        {decisions.map((d, i) => (
                          <label key={d.value}>
                            <input type="radio" name="decision" value={d.value} checked={choice === d.value}
                              onChange={() => setChoice(d.value)} />
                            {i < 9 && <kbd>{i + 1}</kbd>} {d.label}
                          </label>
                        ))}
                      </fieldset>
                      <label for="rationale">{t().queue.rationale}</label>
                      <textarea id="rationale" dir="auto" ref={rationaleRef} value={rationale} required
                        aria-invalid={problem && rationaleProblem(rationale) ? "true" : undefined}
                        aria-describedby={problem ? "resolve-problem" : undefined}
                        onInput={(e) => setRationale((e.target as HTMLTextAreaElement).value)} />
                      {problem && <p id="resolve-problem" class="error" role="alert"><span aria-hidden="true">⚠</span> {problem}</p>}
                      <div class="actions">
                        <button type="submit" class="primary" disabled={busy}>{t().queue.resolve} <kbd>Enter</kbd></button>
                        <button type="button" onClick={() => move(-1)}>{t().queue.previous} <kbd>p</kbd></button>
                        <button type="button" onClick={() => move(1)}>{t().queue.next} <kbd>n</kbd></button>
                      </div>
                    </form>
                  )}
                </article>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
