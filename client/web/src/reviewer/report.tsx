// The trustworthiness report inside the app: the JSON form of GetReport drawn
// with the app's own markup (the HTML form carries inline styles, which the
// app's Content-Security-Policy forbids), every form as a download, and the
// report's signed head verified in the browser.
import { useState } from "preact/hooks";
import { decodeBase64Text, get, path } from "../api";
import { announce } from "../announce";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { coefficientLabel, formatValue, interpretation } from "../lead/agreement_view";
import { download } from "../lead/load";
import { readExport, readSignedHead } from "../verify/export_format";
import { verifyHeadSignature, verifyTrail, type Verification } from "../verify/verify";
import { fetchExportText, loadServerKey } from "./load";
import type { ReportJson, ReportRound } from "./report_types";
import { VerificationView } from "./verification_view";
import "../lead/lead.css";

const FORMATS = [
  { format: "HTML", words: "HTML (prints well)", ext: "html" },
  { format: "MARKDOWN", words: "Markdown", ext: "md" },
  { format: "LATEX", words: "LaTeX table", ext: "tex" },
  { format: "CSV", words: "CSV table", ext: "csv" },
  { format: "JSON", words: "JSON", ext: "json" },
];

interface ReportAnswer {
  content: string;
  content_type: string;
}

function getReport(project: string, format: string) {
  return get<ReportAnswer>(path("projects", project, "report"), { format });
}

function RoundSection({ round }: { round: ReportRound }) {
  const a = round.agreement;
  const rows = a ? [...a.independent.rows, ...(a.independent.overall ? [{ ...a.independent.overall, key: "overall", name: "Overall" }] : [])] : [];
  return (
    <section aria-labelledby={`round-${round.id}`}>
      <h2 id={`round-${round.id}`}>Round {round.title || round.id}</h2>
      <p class="muted">{round.state.toLowerCase()} · {round.blind ? "blind" : "not blind"} · {round.documents.length} documents ·
        coders {round.coders.join(", ")} · codebook revision {round.codebook_revision}</p>
      {round.methods?.paragraph && <p class="methods">{round.methods.paragraph}</p>}
      {!a && <p class="empty">No agreement computed yet.</p>}
      {a && (
        <>
          <div class="table-scroll" tabIndex={0} role="region" aria-label={`Agreement of round ${round.id}`}>
            <table class="list report-agreement">
              <caption>Agreement per code, {a.units} units{a.interval === "bootstrap" ? `, ${a.bootstrap} bootstrap replicates` : ""}</caption>
              <thead>
                <tr><th scope="col">Code</th>
                  {a.coefficients.map((c) => <th key={c} scope="col" class="num">{coefficientLabel(c)}</th>)}</tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.key}>
                    <th scope="row" dir="auto">{row.name || row.key}</th>
                    {a.coefficients.map((name) => {
                      const c = row.coefficients.find((x) => x.name === name);
                      const v = c && c.defined ? c.value ?? null : null;
                      return (
                        <td key={name} class="num coefficient">
                          <span class="value">{v === null ? "—" : formatValue(v)}</span>
                          {v !== null && interpretation(name, v) && <span class="band">{interpretation(name, v)}</span>}
                          {c?.ci?.defined && <span class="ci">[{formatValue(c.ci.low ?? null)}, {formatValue(c.ci.high ?? null)}]</span>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>{a.disagreements} disagreements, {a.resolved} resolved.
            {a.pairwise.length > 0 && <> Coder pairs ({coefficientLabel(a.pairwise_coefficient)}):{" "}
              {a.pairwise.map((p) => `${p.coder_a}–${p.coder_b} ${formatValue(p.value ?? null)}`).join(", ")}.</>}
          </p>
          {a.resolutions.length > 0 && (
            <details>
              <summary>Resolutions ({a.resolutions.length})</summary>
              <ul>{a.resolutions.map((r, i) => <li key={i}>{r.id}: {r.value} by {r.resolved_by} — “{r.rationale}”</li>)}</ul>
            </details>
          )}
        </>
      )}
      {round.methods?.references && round.methods.references.length > 0 && (
        <details>
          <summary>References</summary>
          <ul>{round.methods.references.map((r) => <li key={r.key}>{r.apa}</li>)}</ul>
        </details>
      )}
    </section>
  );
}

export function Report({ params }: RouteProps) {
  const project = params.project!;
  const report = useLoad(async () => {
    const answer = await getReport(project, "JSON");
    return JSON.parse(decodeBase64Text(answer.content)) as ReportJson;
  }, [project]);
  const key = useLoad(() => loadServerKey(), []);
  const [headOk, setHeadOk] = useState<boolean>();
  const [trail, setTrail] = useState<Verification>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const r = report.data;

  const save = async (format: string, ext: string) => {
    try {
      const answer = await getReport(project, format);
      const bytes = Uint8Array.from(atob(answer.content), (c) => c.charCodeAt(0));
      download(`${project}-report.${ext}`, bytes, answer.content_type || "application/octet-stream");
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const checkHead = async () => {
    if (!r || !key.data) return;
    const ok = await verifyHeadSignature(readSignedHead(r.audit_head.line), key.data.key);
    setHeadOk(ok);
    announce(ok ? "The report's head is signed by the server's key." : "The report's head does not verify.");
  };
  const checkTrail = async () => {
    if (!r || !key.data) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await verifyTrail(readExport(await fetchExportText(project)), key.data.key,
        { keptHead: readSignedHead(r.audit_head.line) });
      setTrail(result);
      announce(result.ok ? "The trail verifies and contains the report's head." : `Not verified: ${result.failure?.message}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="lead-screen report-body">
      <PageHeading>Trustworthiness report</PageHeading>
      <div class="actions">
        <span>Download:</span>
        {FORMATS.map((f) => <button key={f.format} type="button" onClick={() => save(f.format, f.ext)}>{f.words}</button>)}
      </div>
      <ErrorNote error={report.error ?? error} />
      {!r && !report.error && <Loading what="the report" />}
      {r && (
        <>
          <section class="card" aria-labelledby="head-title">
            <h2 id="head-title">Generated from the signed audit head</h2>
            <dl class="facts">
              <dt>Project</dt><dd>{r.title} ({r.project})</dd>
              <dt>Generated</dt><dd>{r.generated_time}</dd>
              <dt>Events</dt><dd>{r.audit_head.tree_size}</dd>
              <dt>Root hash</dt><dd class="hash">{r.audit_head.root_hash}</dd>
              <dt>Key id</dt><dd class="hash">{r.audit_head.key_id}</dd>
            </dl>
            <div class="actions">
              <button type="button" class="primary" disabled={!key.data} onClick={checkHead}>Verify the head's signature</button>
              <button type="button" disabled={!key.data || busy} onClick={checkTrail}>Check the trail against this head</button>
              {headOk === true && <span class="ok head-result" role="status"><span aria-hidden="true">✓</span> Signed by the server's key {key.data?.key.keyId.slice(0, 16)}…</span>}
              {headOk === false && <span class="error head-result" role="alert"><span aria-hidden="true">✗</span> The signature does not verify with the server's key.</span>}
            </div>
            {busy && <Loading what="and verifying the trail" />}
            {trail && <VerificationView result={trail} />}
          </section>
          <section aria-labelledby="team-title">
            <h2 id="team-title">Team</h2>
            <table class="list">
              <caption class="sr-only">Members, roles and codings submitted</caption>
              <thead><tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col" class="num">Codings submitted</th><th scope="col">Rounds</th></tr></thead>
              <tbody>
                {r.team.map((m) => (
                  <tr key={m.user + m.role}><th scope="row">{m.user}</th><td>{m.role.toLowerCase()}</td>
                    <td class="num">{m.codings_submitted}</td><td>{m.rounds.join(", ")}</td></tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="codebook-title">
            <h2 id="codebook-title">Codebook (revision {r.codebook.revision})</h2>
            <p>{r.codebook.codes.length} codes. Changes as the audit trail records them:</p>
            <div class="table-scroll short" tabIndex={0} role="region" aria-label="Codebook changes">
              <table class="list">
                <caption class="sr-only">Codebook changes</caption>
                <thead><tr><th scope="col" class="num">Event</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
                <tbody>
                  {r.codebook.changes.map((c) => (
                    <tr key={c.seq}><td class="num">{c.seq}</td><td>{c.time}</td><td>{c.actor}</td><td>{c.summary}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          {r.rounds.map((round) => <RoundSection key={round.id} round={round} />)}
          <section aria-labelledby="verification-title">
            <h2 id="verification-title">Verifying it yourself</h2>
            <p class="methods verification-text">{r.verification}</p>
          </section>
        </>
      )}
    </section>
  );
}
