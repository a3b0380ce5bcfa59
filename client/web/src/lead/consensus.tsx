// The round's consensus coding (GetConsensus): agreed values plus the lead's
// resolutions, with where each came from, and its CSV as `icr consensus` writes it.
import { get, path } from "../api";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { href } from "../router";
import { useChanges } from "../stream";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { num, t } from "../i18n";
import type { GetConsensusResponse } from "./agreement_types";
import { consensusCsv } from "./consensus_csv";
import { download, loadCodes } from "./load";
import "./lead.css";

export function Consensus({ params }: RouteProps) {
  const project = params.project!;
  const round = params.round!;
  const consensus = useLoad(() => get<GetConsensusResponse>(
    path("projects", project, "rounds", round, "consensus")), [project, round]);
  useChanges(project, () => consensus.reload(), (c) => c.round === round);
  const codes = useLoad(() => loadCodes(project), [project]);
  const codeName = (id: string) => codes.data?.find((c) => c.id === id)?.name;
  const data = consensus.data;
  const resolvedCount = data?.codings.filter((c) => c.source === "resolved").length ?? 0;
  return (
    <section class="lead-screen">
      <PageHeading>{t().consensus.heading} · {round}</PageHeading>
      <ErrorNote error={consensus.error} />
      {!data && !consensus.error && <Loading what={t().consensus.what} />}
      {data && (
        <>
          <p class="summary">
            <strong>{num(data.codings.length)}</strong>{" "}
            {t().consensus.summary(data.codings.length - resolvedCount, resolvedCount)}{" "}
            {data.unresolved.length > 0
              ? <><span aria-hidden="true">⚠</span> {t().consensus.unresolved(data.unresolved.length)}{" "}
                  <a href={href("/projects/:project/rounds/:round/disagreements", params)}>{t().consensus.resolveThem}</a>.</>
              : <><span aria-hidden="true">✓</span> {t().consensus.allResolved}</>}
          </p>
          <div class="actions">
            <button type="button" class="primary"
              onClick={() => download(`${project}-${round}-consensus.csv`, consensusCsv(data.codings), "text/csv")}>
              {t().consensus.csv}
            </button>
          </div>
          <div class="table-scroll" tabIndex={0} role="region" aria-label={t().consensus.table}>
            <table class="list consensus-table">
              <caption class="sr-only">{t().consensus.caption(round!)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t().round.document}</th><th scope="col" class="num">{t().consensus.segment}</th>
                  <th scope="col">{t().agreement.code}</th><th scope="col">{t().consensus.source}</th>
                  <th scope="col">{t().consensus.rationale}</th><th scope="col">{t().consensus.resolvedBy}</th>
                </tr>
              </thead>
              <tbody>
                {data.codings.map((c, i) => (
                  <tr key={i}>
                    <td>{c.document}</td><td class="num">{num(Number(c.segment) + 1)}</td><td><bdi>{codeName(c.code) ?? c.code}</bdi> <span class="id muted">{c.code}</span></td>
                    <td>{c.source === "resolved" ? <><span aria-hidden="true">⚖</span> {t().consensus.resolved}</> : <><span aria-hidden="true">=</span> {t().consensus.agreed}</>}</td>
                    <td dir="auto">{c.rationale}</td><td>{c.resolved_by}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
