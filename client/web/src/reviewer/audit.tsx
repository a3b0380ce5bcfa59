// The audit trail (ListEvents), paged and filtered by actor, method and time
// over the pages loaded; the signed head beside it with the server's public
// key; the export as a download.
import { useEffect, useMemo, useState } from "preact/hooks";
import { get, path } from "../api";
import { useLoad } from "../data";
import { href, type RouteProps } from "../router";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { download } from "../lead/load";
import { bytesToHex, base64ToBytes } from "../verify/bytes";
import { readSignedHead } from "../verify/export_format";
import { verifyHeadSignature } from "../verify/verify";
import type { EventRecord, ListEventsResponse, SignedTreeHeadJson } from "./audit_types";
import { facets, filterEvents, shortMethodName, type EventFilter } from "./event_filter";
import { fetchExportText, loadServerKey } from "./load";
import { num, t } from "../i18n";
import "../lead/lead.css";

const PAGE = 200;

function hex(base64: string): string {
  try {
    return bytesToHex(base64ToBytes(base64));
  } catch {
    return base64;
  }
}

function SignedHead({ project }: { project: string }) {
  const head = useLoad(() => get<{ head: SignedTreeHeadJson }>(path("projects", project, "head")), [project]);
  const key = useLoad(() => loadServerKey(), []);
  const [checked, setChecked] = useState<boolean>();
  const h = head.data?.head;
  const m = t().audit;
  return (
    <section class="card" aria-labelledby="head-title">
      <h2 id="head-title">{m.signedHead}</h2>
      <ErrorNote error={head.error ?? key.error} />
      {!h && !head.error && <Loading what={m.whatHead} />}
      {h && (
        <dl class="facts">
          <dt>{m.events}</dt><dd>{num(h.tree_size)}</dd>
          <dt>{m.signed}</dt><dd><span dir="ltr">{new Date(Number(h.timestamp_ms)).toISOString()}</span></dd>
          <dt>{m.rootHash}</dt><dd class="hash">{hex(h.root_hash)}</dd>
          <dt>{m.signature}</dt><dd class="hash">{hex(h.signature)}</dd>
          <dt>{m.keyId}</dt><dd class="hash">{h.key_id}</dd>
        </dl>
      )}
      {key.data && <pre class="pem" aria-label={m.publicKey} tabIndex={0}>{key.data.json.public_key_pem}</pre>}
      {h && key.data && (
        <div class="actions">
          <button type="button" onClick={async () => setChecked(await verifyHeadSignature(readSignedHead(h), key.data!.key))}>
            {m.checkSignature}
          </button>
          {checked === true && <span class="ok" role="status"><span aria-hidden="true">✓</span> {m.signatureValid}</span>}
          {checked === false && <span class="error" role="alert"><span aria-hidden="true">✗</span> {m.signatureInvalid}</span>}
        </div>
      )}
      <p><a href={href("/projects/:project/verify", { project })}>{m.verifyWhole}</a>{m.verifyWhat}</p>
    </section>
  );
}

export function AuditTrail({ params }: RouteProps) {
  const project = params.project!;
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [token, setToken] = useState<string | null>("");
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  const [filter, setFilter] = useState<EventFilter>({});

  const loadMore = async (all = false) => {
    setLoading(true);
    setError(undefined);
    try {
      let next = token;
      let loaded: EventRecord[] = [];
      do {
        const page = await get<ListEventsResponse>(path("projects", project, "events"),
          { page_size: PAGE, page_token: next || undefined });
        loaded = loaded.concat(page.events);
        next = page.next_page_token || null;
      } while (all && next);
      setEvents((old) => old.concat(loaded));
      setToken(next);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => { void loadMore(); }, [project]);

  const shown = useMemo(() => filterEvents(events, filter), [events, filter]);
  const choices = useMemo(() => facets(events), [events]);
  const set = (field: keyof EventFilter, value: string) => setFilter((f) => ({ ...f, [field]: value || undefined }));
  const m = t().audit;

  return (
    <section class="lead-screen">
      <PageHeading>{m.heading}</PageHeading>
      <div class="two-columns audit-layout">
        <div>
          <form class="filters card" onSubmit={(e) => e.preventDefault()} aria-label={m.filters}>
            <label>{m.actor}
              <select value={filter.actor ?? ""} onChange={(e) => set("actor", (e.target as HTMLSelectElement).value)}>
                <option value="">{m.anyone}</option>
                {choices.actors.map((a) => <option key={a} value={a}>{a}</option>)}
              </select>
            </label>
            <label>{m.action}
              <select value={filter.method ?? ""} onChange={(e) => set("method", (e.target as HTMLSelectElement).value)}>
                <option value="">{m.any}</option>
                {choices.methods.map((m) => <option key={m} value={m}>{m}</option>)}
              </select>
            </label>
            <label>{m.from} <input type="datetime-local" value={filter.from ?? ""} onInput={(e) => set("from", (e.target as HTMLInputElement).value)} /></label>
            <label>{m.to} <input type="datetime-local" value={filter.to ?? ""} onInput={(e) => set("to", (e.target as HTMLInputElement).value)} /></label>
          </form>
          <p class="muted" role="status">
            {m.shown(shown.length, events.length, Boolean(token), Object.values(filter).some(Boolean))}
          </p>
          <ErrorNote error={error} />
          <div class="table-scroll" tabIndex={0} role="region" aria-label={m.events}>
            <table class="list events">
              <caption class="sr-only">{m.caption(project)}</caption>
              <thead>
                <tr><th scope="col" class="num">#</th><th scope="col">{m.time}</th><th scope="col">{m.actor}</th>
                  <th scope="col">{m.action}</th><th scope="col">{m.whatItDid}</th></tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.seq} data-seq={r.seq}>
                    <td class="num">{num(r.seq)}</td>
                    <td><span dir="ltr">{r.event.time.replace("T", " ").replace(/\.\d+Z$|Z$/, "")}</span></td>
                    <td>{r.event.actor}{r.event.on_behalf_of && m.onBehalfOf(r.event.on_behalf_of)}</td>
                    <td>{shortMethodName(r.event.method)}</td>
                    <td class="summary-cell" lang="en" dir="auto">{r.event.result_summary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {loading && <Loading what={m.whatEvents} />}
          <div class="actions">
            {token !== null && <button type="button" disabled={loading} onClick={() => loadMore()}>{m.loadMore(PAGE)}</button>}
            {token !== null && <button type="button" disabled={loading} onClick={() => loadMore(true)}>{m.loadAll}</button>}
          </div>
        </div>
        <div class="stack">
          <SignedHead project={project} />
          <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">{m.export}</h2>
            <p>{m.exportText[0]}<code>icr audit verify</code>{m.exportText[1]}</p>
            <button type="button" onClick={async () => {
              try {
                download(`${project}-audit-trail.json`, await fetchExportText(project), "application/json");
              } catch (e) {
                setError(e as Error);
              }
            }}>{m.downloadExport}</button>
          </section>
        </div>
      </div>
    </section>
  );
}
