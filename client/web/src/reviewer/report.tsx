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
import { VerificationView, whyNotVerified } from "./verification_view";
import { num, t } from "../i18n";
import "../lead/lead.css";

// GetReport's formats and their files' extensions (their names in the catalog).
const FORMATS = [
  { format: "HTML", ext: "html" },
  { format: "MARKDOWN", ext: "md" },
  { format: "LATEX", ext: "tex" },
  { format: "CSV", ext: "csv" },
  { format: "JSON", ext: "json" },
];

interface ReportAnswer {
  content: string;
  content_type: string;
}

function getReport(project: string, format: string) {
  return get<ReportAnswer>(path("projects", project, "report"), { format });
}

/** The 1-based segment number of a resolution's unit ("segment 4" counts from 0), or the unit as it is. */
function segmentOf(unit: string): number | string {
  const match = /^segment (\d+)$/.exec(unit);
  return match ? Number(match[1]) + 1 : unit;
}

function RoundSection({ round }: { round: ReportRound }) {
  const a = round.agreement;
  const m = t().report;
  const rows = a ? [...a.independent.rows.map((row, i) => ({ ...row, key: `row-${i}` })),
    ...(a.independent.overall ? [{ ...a.independent.overall, key: "overall", label: m.overall }] : [])] : [];
  return (
    <section aria-labelledby={`round-${round.id}`}>
      <h2 id={`round-${round.id}`}>{m.round(round.title || round.id)}</h2>
      <p class="muted">{t().roundState[round.state] ?? round.state} · {round.blind ? m.blind : m.notBlind} · {m.documents(round.documents.length)} ·
        {" "}{m.coders(round.coders.join(t().listSeparator))} · {m.revision(round.codebook_revision)}</p>
      {round.methods?.paragraph && <p class="methods" lang="en" dir="ltr">{round.methods.paragraph}</p>}
      {!a && <p class="empty">{m.noAgreement}</p>}
      {a && (
        <>
          <div class="table-scroll" tabIndex={0} role="region" aria-label={m.agreementOf(round.id)}>
            <table class="list report-agreement">
              <caption>{m.agreementCaption(a.units, a.interval === "bootstrap" ? a.bootstrap : null)}</caption>
              <thead>
                <tr><th scope="col">{m.code}</th>
                  {a.coefficients.map((c) => <th key={c} scope="col" class="num">{coefficientLabel(c)}</th>)}</tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.key}>
                    <th scope="row" dir="auto">{row.label}</th>
                    {a.coefficients.map((name) => {
                      const c = row.coefficients.find((x) => x.name === name);
                      const v = c && c.defined ? c.value ?? null : null;
                      return (
                        <td key={name} class="num coefficient">
                          <span class="value">{v === null ? "—" : formatValue(v)}</span>
                          {v !== null && interpretation(name, v) && <span class="band">{t().agreement.bands[interpretation(name, v)] ?? interpretation(name, v)}</span>}
                          {c?.ci?.defined && <span class="ci">[{formatValue(c.ci.low ?? null)}, {formatValue(c.ci.high ?? null)}]</span>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>{m.disagreements(a.disagreements, a.resolved)}
            {a.pairwise.length > 0 && <>{m.pairs(coefficientLabel(a.pairwise_coefficient))}
              {a.pairwise.map((p) => `${p.coder_a}–${p.coder_b} ${formatValue(p.value ?? null)}`).join(t().listSeparator)}.</>}
          </p>
          {a.resolutions.length > 0 && (
            <details>
              <summary>{m.resolutions(a.resolutions.length)}</summary>
              <ul>{a.resolutions.map((r, i) => (
                <li key={i}>{m.resolution(r.final_value || r.code, r.document, segmentOf(r.unit), r.resolved_by)}{t().quote(r.rationale)}</li>
              ))}</ul>
            </details>
          )}
        </>
      )}
      {round.methods?.references && round.methods.references.length > 0 && (
        <details>
          <summary>{m.references}</summary>
          <ul lang="en" dir="ltr">{round.methods.references.map((r) => <li key={r.key}>{r.apa}</li>)}</ul>
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
    announce(ok ? t().report.headOk : t().report.headBad);
  };
  const checkTrail = async () => {
    if (!r || !key.data) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await verifyTrail(readExport(await fetchExportText(project)), key.data.key,
        { keptHead: readSignedHead(r.audit_head.line) });
      setTrail(result);
      announce(result.ok ? t().report.trailOk : whyNotVerified(result));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const m = t().report;
  return (
    <section class="lead-screen report-body">
      <PageHeading>{m.heading}</PageHeading>
      <div class="actions">
        <span>{m.download}</span>
        {FORMATS.map((f) => <button key={f.format} type="button" onClick={() => save(f.format, f.ext)}>{m.formats[f.format]}</button>)}
      </div>
      <ErrorNote error={report.error ?? error} />
      {!r && !report.error && <Loading what={m.what} />}
      {r && (
        <>
          <section class="card" aria-labelledby="head-title">
            <h2 id="head-title">{m.headTitle}</h2>
            <dl class="facts">
              <dt>{m.project}</dt><dd><bdi>{r.title}</bdi> ({r.project})</dd>
              <dt>{m.generated}</dt><dd><span dir="ltr">{r.generated_time}</span></dd>
              <dt>{m.events}</dt><dd>{num(r.audit_head.tree_size)}</dd>
              <dt>{m.rootHash}</dt><dd class="hash">{r.audit_head.root_hash}</dd>
              <dt>{m.keyId}</dt><dd class="hash">{r.audit_head.key_id}</dd>
            </dl>
            <div class="actions">
              <button type="button" class="primary" disabled={!key.data} onClick={checkHead}>{m.verifyHead}</button>
              <button type="button" disabled={!key.data || busy} onClick={checkTrail}>{m.checkTrail}</button>
              {headOk === true && <span class="ok head-result" role="status"><span aria-hidden="true">✓</span> {m.headSigned(key.data?.key.keyId.slice(0, 16) ?? "")}</span>}
              {headOk === false && <span class="error head-result" role="alert"><span aria-hidden="true">✗</span> {m.headNotSigned}</span>}
            </div>
            {busy && <Loading what={m.verifying} />}
            {trail && <VerificationView result={trail} />}
          </section>
          <section aria-labelledby="team-title">
            <h2 id="team-title">{m.team}</h2>
            <table class="list">
              <caption class="sr-only">{m.teamCaption}</caption>
              <thead><tr><th scope="col">{m.member}</th><th scope="col">{m.role}</th><th scope="col" class="num">{m.codingsSubmitted}</th><th scope="col">{m.rounds}</th></tr></thead>
              <tbody>
                {r.team.map((member) => (
                  <tr key={member.user + member.role}><th scope="row">{member.user}</th><td>{t().overview.roles[member.role] ?? member.role}</td>
                    <td class="num">{num(member.codings_submitted)}</td><td>{member.rounds.join(t().listSeparator)}</td></tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="codebook-title">
            <h2 id="codebook-title">{m.codebook(r.codebook.revision)}</h2>
            <p>{m.codes(r.codebook.codes.length)}</p>
            <div class="table-scroll short" tabIndex={0} role="region" aria-label={m.changes}>
              <table class="list">
                <caption class="sr-only">{m.changes}</caption>
                <thead><tr><th scope="col" class="num">{m.event}</th><th scope="col">{m.when}</th><th scope="col">{m.who}</th><th scope="col">{m.change}</th></tr></thead>
                <tbody>
                  {r.codebook.changes.map((c) => (
                    <tr key={c.seq}><td class="num">{num(c.seq)}</td><td><span dir="ltr">{c.time}</span></td><td>{c.actor}</td><td dir="auto">{c.summary}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          {r.rounds.map((round) => <RoundSection key={round.id} round={round} />)}
          <section aria-labelledby="verification-title">
            <h2 id="verification-title">{m.verifyYourself}</h2>
            <p class="methods verification-text" lang="en" dir="ltr">{r.verification}</p>
          </section>
        </>
      )}
    </section>
  );
}
