// The round's consensus coding (GetConsensus): agreed values plus the lead's
// resolutions, with where each came from, and its CSV as `icr consensus` writes it.
import { get, path } from "../api";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { href } from "../router";
import { useChanges } from "../stream";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
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
      <PageHeading>Consensus · {round}</PageHeading>
      <ErrorNote error={consensus.error} />
      {!data && !consensus.error && <Loading what="the consensus" />}
      {data && (
        <>
          <p class="summary">
            <strong>{data.codings.length}</strong> codings: {data.codings.length - resolvedCount} agreed by
            the coders, {resolvedCount} resolved by the lead.{" "}
            {data.unresolved.length > 0
              ? <><span aria-hidden="true">⚠</span> {data.unresolved.length} disagreements are not resolved yet:{" "}
                  <a href={href("/projects/:project/rounds/:round/disagreements", params)}>resolve them</a>.</>
              : <><span aria-hidden="true">✓</span> Every disagreement is resolved.</>}
          </p>
          <div class="actions">
            <button type="button" class="primary"
              onClick={() => download(`${project}-${round}-consensus.csv`, consensusCsv(data.codings), "text/csv")}>
              Download CSV
            </button>
          </div>
          <div class="table-scroll" tabIndex={0} role="region" aria-label="The consensus coding">
            <table class="list consensus-table">
              <caption class="sr-only">The consensus coding of round {round}</caption>
              <thead>
                <tr>
                  <th scope="col">Document</th><th scope="col" class="num">Segment</th>
                  <th scope="col">Code</th><th scope="col">Source</th>
                  <th scope="col">Rationale</th><th scope="col">Resolved by</th>
                </tr>
              </thead>
              <tbody>
                {data.codings.map((c, i) => (
                  <tr key={i}>
                    <td>{c.document}</td><td class="num">{Number(c.segment) + 1}</td><td>{codeName(c.code) ?? c.code} <span class="id muted">{c.code}</span></td>
                    <td>{c.source === "resolved" ? <><span aria-hidden="true">⚖</span> resolved</> : <><span aria-hidden="true">=</span> agreed</>}</td>
                    <td>{c.rationale}</td><td>{c.resolved_by}</td>
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
