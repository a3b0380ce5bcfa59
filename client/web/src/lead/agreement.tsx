// The lead's live agreement for a round: the per-code table with the chosen
// coefficients and their bands, the warnings, the coder-pair heat map, the
// bar chart, per-document agreement and the roll-up level. It reloads when a
// coder's codings or progress change (the project's event stream) and says so
// through the aria-live region.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { announce } from "../announce";
import { nameCrumb } from "../crumbs";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { useChanges } from "../stream";
import type { ChangeEvent, Round } from "../types";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { num, t } from "../i18n";
import { locale } from "../i18n/format";
import type { AgreementRow, ComputeAgreementResponse } from "./agreement_types";
import { bandClass, bars, COEFFICIENTS, coefficientLabel, coefficientOf, DEFAULT_COEFFICIENTS,
  definedValue, formatValue, interpretation, pairMatrix, primaryCoefficient }
  from "./agreement_view";
import { BarChart } from "./bar_chart";
import { codeTree, flatten } from "./codebook_tree";
import { eachLimited, loadAgreement, loadCodes, loadRound, type AgreementQuery } from "./load";
import { RoundControl } from "./round_control";
import "./lead.css";

const LIVE_KINDS = new Set(["CHANGE_KIND_CODINGS", "CHANGE_KIND_PROGRESS", "CHANGE_KIND_RESOLUTION",
  "CHANGE_KIND_ROUND", "CHANGE_KIND_CODEBOOK"]);

function CoefficientCell({ row, name }: { row: AgreementRow; name: string }) {
  const c = coefficientOf(row, name);
  const value = definedValue(c);
  const band = interpretation(name, value);
  const ci = c?.ci && c.ci.samples > 0 && !c.ci.undefined_reason ? c.ci : undefined;
  return (
    <td class={`num coefficient ${bandClass(name, value)}`} data-coefficient={name}
      data-value={value === null ? "" : String(value)}>
      <span class="value">{value === null ? "—" : formatValue(value)}</span>
      {band && <span class="band">{t().agreement.bands[band] ?? band}</span>}
      {value === null && c?.reason && <span class="band" title={c.reason}>{t().agreement.undefinedValue}</span>}
      {ci && <span class="ci">[{formatValue(ci.low)}, {formatValue(ci.high)}]</span>}
    </td>
  );
}

function AgreementTable({ answer, chosen }: { answer: ComputeAgreementResponse; chosen: string[] }) {
  const rows = answer.overall ? [...answer.rows, { ...answer.overall, key: "overall" }] : answer.rows;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={t().agreement.perCode}>
      <table class="list agreement-table">
        <caption class="sr-only">{t().agreement.perCodeCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{answer.analysis === "domain" ? t().agreement.domain : t().agreement.code}</th>
            <th scope="col" class="num">{t().agreement.units}</th>
            {chosen.map((name) => <th key={name} scope="col" class="num">{coefficientLabel(name)}</th>)}
            <th scope="col">{t().agreement.warnings}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key} class={row.key === "overall" ? "overall" : ""}>
              <th scope="row">
                {row.key === "overall" ? t().agreement.overall : <bdi>{row.name || row.key}</bdi>}
                {row.key !== "overall" && row.name && row.name !== row.key && (
                  <span class="id muted"> {row.key}</span>
                )}
              </th>
              <td class="num">{num(row.units)}</td>
              {chosen.map((name) => <CoefficientCell key={name} row={row} name={name} />)}
              <td class="warnings-cell">
                {[...new Set(row.warnings.map((w) => w.kind))].map((kind) => (
                  <span key={kind} class="warning-tag" lang="en"
                    title={row.warnings.filter((w) => w.kind === kind).map((w) => w.message).join("\n")}>
                    <span aria-hidden="true">⚠</span>{" "}
                    <span lang={locale.value}>{t().agreement.warningKinds[kind] ?? kind.replace(/_/g, " ")}</span>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HeatMap({ answer }: { answer: ComputeAgreementResponse }) {
  const [measure, setMeasure] = useState<"cohen_kappa" | "percent_agreement">("cohen_kappa");
  const cells = pairMatrix(answer, measure);
  const coders = answer.coders;
  return (
    <section class="card heat" aria-labelledby="heat-title">
      <h2 id="heat-title">{t().agreement.pairs}</h2>
      <label class="inline">
        {t().agreement.measure}{" "}
        <select value={measure} onChange={(e) => setMeasure((e.target as HTMLSelectElement).value as typeof measure)}>
          <option value="cohen_kappa">{coefficientLabel("cohen_kappa")}</option>
          <option value="percent_agreement">{t().agreement.percent}</option>
        </select>
      </label>
      <table class="heatmap">
        <caption class="sr-only">{t().agreement.pairsCaption(measure === "cohen_kappa" ? t().agreement.cohenKappa : t().agreement.percent)}</caption>
        <thead>
          <tr><td class="corner" /> {coders.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
        </thead>
        <tbody>
          {coders.map((a, i) => (
            <tr key={a}>
              <th scope="row">{a}</th>
              {coders.map((b, j) => {
                const cell = cells[i]![j]!;
                return i === j
                  ? <td key={b} class="diagonal"><span class="sr-only">{t().agreement.sameCoder}</span>—</td>
                  : <td key={b} class={`heat-${cell.shade}`} data-pair={`${a}|${b}`}
                      title={t().agreement.pairTitle(a, b, cell.text, cell.units)}>{cell.text}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p class="legend muted">{t().agreement.legend}</p>
      <ul class="legend-scale" aria-label={t().agreement.shades}>
        {t().agreement.scale.map((words, i) => (
          <li key={i}><span class={`swatch-box heat-${i}`} aria-hidden="true" /> {words}</li>
        ))}
      </ul>
    </section>
  );
}

interface DocumentAgreement {
  document: string;
  answer: ComputeAgreementResponse | Error;
}

function PerDocument({ items, chosen }: { items: DocumentAgreement[] | undefined; chosen: string[] }) {
  const name = primaryCoefficient(chosen);
  return (
    <section class="card" aria-labelledby="per-doc-title">
      <h2 id="per-doc-title">{t().agreement.perDocument}</h2>
      {!items && <Loading what={t().agreement.perDocumentWhat} />}
      {items && (
        <div class="table-scroll short" tabIndex={0} role="region" aria-label={t().agreement.perDocumentLabel}>
          <table class="list per-document">
            <caption class="sr-only">{t().agreement.perDocumentCaption(coefficientLabel(name))}</caption>
            <thead>
              <tr>
                <th scope="col">{t().round.document}</th>
                <th scope="col" class="num">{t().agreement.units}</th>
                <th scope="col" class="num">{coefficientLabel(name)}</th>
                <th scope="col" class="num">{t().agreement.percent}</th>
              </tr>
            </thead>
            <tbody>
              {items.map(({ document, answer }) => answer instanceof Error ? (
                <tr key={document}><th scope="row">{document}</th><td colSpan={3}>{answer.message}</td></tr>
              ) : (
                <tr key={document} data-document={document}>
                  <th scope="row">{document}</th>
                  <td class="num">{num(answer.overall?.units ?? "0")}</td>
                  {answer.overall
                    ? <><CoefficientCell row={answer.overall} name={name} />
                        <CoefficientCell row={answer.overall} name="percent_agreement" /></>
                    : <td colSpan={2}>{t().agreement.nothingYet}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function AgreementDashboard({ params }: RouteProps) {
  const project = params.project!;
  const roundId = params.round!;
  const [chosen, setChosen] = useState<string[]>(DEFAULT_COEFFICIENTS);
  const [analysis, setAnalysis] = useState("code");
  const [rollup, setRollup] = useState(0);
  const [unfinished, setUnfinished] = useState(false);
  const query: AgreementQuery = { analysis, coefficients: chosen, rollupDepth: rollup, includeUnfinished: unfinished };
  const primary = primaryCoefficient(chosen);

  const round = useLoad(() => loadRound(project, roundId), [project, roundId]);
  const [roundShown, setRoundShown] = useState<Round>();
  useEffect(() => setRoundShown(round.data), [round.data]);
  const codes = useLoad(() => loadCodes(project), [project]);
  const maxDepth = useMemo(() => Math.max(0, ...flatten(codeTree(codes.data ?? [])).map((n) => n.depth)),
    [codes.data]);
  const agreement = useLoad(() => loadAgreement(project, roundId, query),
    [project, roundId, chosen.join(","), analysis, rollup, unfinished]);

  // Per document: the overall row of each document, loaded after the table is
  // on screen, two at a time so the table's own reloads are not queued behind
  // 40-odd of these. Leaving the screen or changing the question stops them.
  const [perDocument, setPerDocument] = useState<DocumentAgreement[]>();
  const perDocGeneration = useRef(0);
  useEffect(() => () => { perDocGeneration.current++; }, []);
  const loadPerDocument = async (only?: string) => {
    const documents = roundShown?.documents ?? [];
    const mine = ++perDocGeneration.current;
    const stale = () => mine !== perDocGeneration.current;
    const docQuery = (d: string) => ({ ...query, coefficients: [primary, "percent_agreement"], documents: [d] });
    const fetchOne = (d: string) => loadAgreement(project, roundId, docQuery(d)).catch((e: Error) => e);
    if (only && perDocument) {
      const answer = await fetchOne(only);
      if (stale()) return;
      setPerDocument((old) => old?.map((x) => x.document === only ? { document: only, answer } : x));
      return;
    }
    // After the frame that paints the table.
    await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
    if (stale()) return;
    const answers = await eachLimited(documents, 2, fetchOne, stale).catch(() => undefined);
    if (answers && !stale()) {
      setPerDocument(documents.map((document, i) => ({ document, answer: answers[i]! })));
    }
  };
  useEffect(() => {
    if (agreement.data && roundShown) void loadPerDocument();
    else perDocGeneration.current++; // the table is loading for a new question
  }, [roundShown?.documents.join(","), agreement.data === undefined, chosen.join(","), analysis, rollup, unfinished]);

  // Live: a change to this round's codings, progress or resolutions reloads.
  const previous = useRef<ComputeAgreementResponse>();
  const pendingAnnounce = useRef(false);
  useChanges(project, (change: ChangeEvent) => {
    pendingAnnounce.current = true;
    agreement.reload();
    if (change.kind === "CHANGE_KIND_ROUND") round.reload();
    void loadPerDocument(change.document || undefined);
  }, (change) => LIVE_KINDS.has(change.kind) && (!change.round || change.round === roundId));
  useEffect(() => {
    const answer = agreement.data;
    if (!answer) return;
    const before = previous.current;
    previous.current = answer;
    if (!pendingAnnounce.current || !before) return;
    pendingAnnounce.current = false;
    if (before.version === answer.version) return;
    const was = definedValue(coefficientOf(before.overall, primary));
    const now = definedValue(coefficientOf(answer.overall, primary));
    announce(t().agreement.updated(coefficientLabel(primary), formatValue(now), was !== now ? formatValue(was) : null));
  }, [agreement.data]);

  if (roundShown) nameCrumb("round", roundShown.id, roundShown.title || roundShown.id);
  const answer = agreement.data;
  const toggle = (name: string) => setChosen((old) => old.includes(name)
    ? (old.length > 1 ? old.filter((n) => n !== name) : old)
    : COEFFICIENTS.map((c) => c.name).filter((n) => n === name || old.includes(n)));

  return (
    <section class="lead-screen">
      <PageHeading>
        {t().agreement.heading} · <bdi>{roundShown?.title || roundId}</bdi>
      </PageHeading>
      {roundShown && <RoundControl project={project} round={roundShown} onAdvanced={(r) => { setRoundShown(r); agreement.reload(); }} />}
      <form class="controls card" onSubmit={(e) => e.preventDefault()} aria-label={t().agreement.what}>
        <fieldset class="coefficient-choice">
          <legend>{t().agreement.coefficients}</legend>
          {COEFFICIENTS.map((c) => (
            <label key={c.name} class="check">
              <input type="checkbox" checked={chosen.includes(c.name)} onChange={() => toggle(c.name)}
                name="coefficients" value={c.name} /> {coefficientLabel(c.name)}
            </label>
          ))}
        </fieldset>
        <div class="control-row">
          <label class="inline">
            {t().agreement.unit}{" "}
            <select value={analysis} onChange={(e) => setAnalysis((e.target as HTMLSelectElement).value)}>
              <option value="code">{t().agreement.byCode}</option>
              <option value="domain">{t().agreement.byDomain}</option>
              <option value="set">{t().agreement.bySet}</option>
            </select>
          </label>
          <label class="inline">
            {t().agreement.rollup}{" "}
            <select value={String(rollup)} onChange={(e) => setRollup(Number((e.target as HTMLSelectElement).value))}>
              <option value="0">{t().agreement.asTheyAre}</option>
              {Array.from({ length: maxDepth }, (_, i) => (
                <option key={i} value={String(i + 1)}>
                  {t().agreement.level(i + 1)}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input type="checkbox" checked={unfinished} name="include_unfinished"
              onChange={(e) => setUnfinished((e.target as HTMLInputElement).checked)} />
            {t().agreement.unfinished}
          </label>
        </div>
      </form>
      <ErrorNote error={agreement.error ?? round.error} />
      {!answer && !agreement.error && <Loading what={t().agreement.what2} />}
      {answer && (
        <>
          <p class="summary" data-version={answer.version}>
            <strong>{t().agreement.coders(answer.coders.length)}</strong> ({answer.coders.join(t().listSeparator)}) ·{" "}
            {t().agreement.summary(Number(answer.units), answer.level, Number(answer.disagreements), Number(answer.resolved))} ·{" "}
            {answer.work &&
              t().agreement.work(
                Number(answer.work.pairs_counted),
                Number(answer.work.pairs_in_progress),
                Number(answer.work.pairs_not_started),
              )}{" "}
            <span class="muted">{t().agreement.version(String(answer.version))}{agreement.loading ? t().agreement.updating : ""}</span>
          </p>
          <AgreementTable answer={answer} chosen={chosen} />
          <div class="two-columns">
            <section class="card" aria-labelledby="chart-title">
              <h2 id="chart-title">{t().agreement.chartTitle(coefficientLabel(primary))}</h2>
              <BarChart bars={bars(answer, primary)} coefficient={primary} />
            </section>
            <div class="stack">
              <HeatMap answer={answer} />
              <PerDocument items={perDocument} chosen={chosen} />
            </div>
          </div>
          {(answer.warnings.length > 0 || answer.rows.some((r) => r.warnings.length > 0)) && (
            <section class="card warnings" aria-labelledby="warnings-title">
              <h2 id="warnings-title"><span aria-hidden="true">⚠</span> {t().agreement.warnings}</h2>
              <ul>
                {[...answer.warnings, ...answer.rows.flatMap((r) => r.warnings.filter(
                  (w) => !answer.warnings.some((x) => x.kind === w.kind && x.subject === w.subject)))]
                  .map((w, i) => (
                    <li key={i}><strong>{w.kind.replace(/_/g, " ")}</strong>
                      {w.subject && <> ({w.subject})</>}: {w.message}</li>
                  ))}
              </ul>
            </section>
          )}
        </>
      )}
    </section>
  );
}
