// "Verify the export" in the browser: the server's export (or a file the
// reviewer has: the API's JSON or the CLI's JSON Lines), checked with the
// server's public key or one the reviewer kept — hash chain, Merkle root and
// Ed25519 signature — naming the first event that fails.
import { useState } from "preact/hooks";
import { announce } from "../announce";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { download } from "../lead/load";
import { ExportFormatError, readExport } from "../verify/export_format";
import { importPublicKey, PublicKeyError, verifyTrail, type Verification } from "../verify/verify";
import { fetchExportText, loadServerKey } from "./load";
import { VerificationView } from "./verification_view";
import "../lead/lead.css";

export function VerifyExport({ params }: RouteProps) {
  const project = params.project!;
  const serverKey = useLoad(() => loadServerKey(), []);
  const [ownPem, setOwnPem] = useState("");
  const [useOwnKey, setUseOwnKey] = useState(false);
  const [result, setResult] = useState<Verification>();
  const [source, setSource] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (label: string, text: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    setSource(label);
    try {
      const key = useOwnKey ? await importPublicKey(ownPem) : serverKey.data?.key;
      if (!key) throw new Error("The server's public key is not loaded yet.");
      const verification = await verifyTrail(readExport(await text()), key);
      setResult(verification);
      announce(verification.ok ? `Verified: ${verification.events} events.` : `Not verified: ${verification.failure?.message}`);
    } catch (e) {
      const message = e instanceof ExportFormatError ? `This file cannot be read as an icr export: ${e.message}.`
        : e instanceof PublicKeyError ? `The public key cannot be used: ${e.message}.` : (e as Error).message;
      setError(message);
      announce(message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="lead-screen">
      <PageHeading>Verify the audit trail</PageHeading>
      <p>
        Every change to this project is an event in a hash chain; the server signs the Merkle root of all
        events with its Ed25519 key. Your browser checks all of it here, without trusting the server's
        answer: the same checks as <code>icr audit verify</code>.
      </p>
      <div class="manage-grid">
        <div class="card">
          <h2>The trail</h2>
          <div class="actions">
            <button type="button" class="primary" disabled={busy || (!serverKey.data && !useOwnKey)}
              onClick={() => run("the server's current export", () => fetchExportText(project))}>
              Verify the server's export
            </button>
            <button type="button" disabled={busy} onClick={async () => {
              try {
                download(`${project}-audit-trail.json`, await fetchExportText(project), "application/json");
              } catch (e) {
                setError((e as Error).message);
              }
            }}>Download the export</button>
          </div>
          <label for="export-file">Or verify an export file (the JSON from here, or <code>icr audit export</code>'s .jsonl)</label>
          <input id="export-file" type="file" accept=".json,.jsonl,application/json" disabled={busy}
            onChange={(e) => {
              const file = (e.target as HTMLInputElement).files?.[0];
              if (file) void run(file.name, () => file.text());
              (e.target as HTMLInputElement).value = "";
            }} />
          {busy && <Loading what={`and verifying ${source}`} />}
          <ErrorNote error={error} />
          {result && (
            <section aria-labelledby="result-title">
              <h3 id="result-title">Result for {source}</h3>
              <VerificationView result={result} />
            </section>
          )}
        </div>
        <div class="card">
          <h2>The server's public key</h2>
          <ErrorNote error={serverKey.error} />
          {!serverKey.data && !serverKey.error && <Loading what="the public key" />}
          {serverKey.data && (
            <>
              <dl class="facts">
                <dt>Algorithm</dt><dd>{serverKey.data.json.algorithm}</dd>
                <dt>Key id</dt><dd class="hash" data-key-id>{serverKey.data.key.keyId}</dd>
              </dl>
              <pre class="pem" tabIndex={0} aria-label="The server's public key">{serverKey.data.json.public_key_pem}</pre>
              <p class="muted">Compare the key id with the one you were given (the report, or
                <code> icr audit key</code>): a key from the same server proves less than one you kept.</p>
            </>
          )}
          <label class="check">
            <input type="checkbox" checked={useOwnKey} onChange={(e) => setUseOwnKey((e.target as HTMLInputElement).checked)} />
            Use a public key I kept instead
          </label>
          {useOwnKey && (
            <>
              <label for="own-key">Public key (PEM)</label>
              <textarea id="own-key" rows={4} value={ownPem} placeholder="-----BEGIN PUBLIC KEY-----"
                onInput={(e) => setOwnPem((e.target as HTMLTextAreaElement).value)} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}
