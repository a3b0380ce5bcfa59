// Advancing a round (AdvanceRound with its etag and the state it is in), and
// the refusal for unfinished work in plain words, with the choice to force.
import { useState } from "preact/hooks";
import { ApiError, path, post, requestId } from "../api";
import { announce } from "../announce";
import type { Round } from "../types";
import { ErrorNote, RoundStateBadge } from "../components/ui";
import { nextState, unfinishedPairs, type UnfinishedPairs } from "./advance";
import { t } from "../i18n";

export function RoundControl({ project, round, onAdvanced }:
    { project: string; round: Round; onAdvanced: (round: Round) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [unfinished, setUnfinished] = useState<UnfinishedPairs | null>(null);
  const next = nextState(round.state);

  const advance = async (force: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await post<{ round: Round }>(
        path("projects", project, "rounds", round.id) + ":advance",
        { from_state: round.state, etag: round.etag, force, request_id: requestId() });
      setUnfinished(null);
      announce(t().agreement.advanced(round.id, answer.round.state));
      onAdvanced(answer.round);
    } catch (e) {
      const message = e instanceof ApiError ? e.detail : String(e);
      const pairs = e instanceof ApiError ? unfinishedPairs(e.detail) : null;
      if (pairs) setUnfinished(pairs);
      else setError(e instanceof Error ? e.message : message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="round-control">
      <span>
        {t().agreement.roundLabel} <strong dir="auto">{round.title || round.id}</strong>:
      </span>
      <RoundStateBadge state={round.state} />
      {next && (
        <button type="button" disabled={busy} onClick={() => advance(false)}>
          {next === "RECONCILING" ? t().agreement.startReconciling : t().agreement.closeRound}
        </button>
      )}
      <ErrorNote error={error} />
      {unfinished && (
        <div class="refusal" role="alert">
          <p>
            <span aria-hidden="true" class="icon">⚠</span> {t().agreement.notFinished(unfinished.count)}
          </p>
          <ul>
            {[...unfinished.byCoder.entries()].map(([coder, docs]) => (
              <li key={coder}><strong>{coder}</strong>: {docs.map((d) => t().agreement.unfinishedDocument(d.document, t().progressState[d.state] ?? d.state)).join(t().listSeparator)}</li>
            ))}
            {unfinished.more > 0 && <li>{t().agreement.andMore(unfinished.more)}</li>}
          </ul>
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={() => advance(true)}>
              {t().agreement.advanceAnyway}
            </button>
            <button type="button" class="quiet" onClick={() => setUnfinished(null)}>
              {t().agreement.wait}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
