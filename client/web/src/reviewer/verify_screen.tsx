// "Verify the export" in the browser: the server's export (or a file the
// reviewer has: the API's JSON or the CLI's JSON Lines), checked with the
// server's public key or one the reviewer kept — hash chain, Merkle root and
// Ed25519 signature — naming the first event that fails.
import { useState } from "preact/hooks";
import { announce } from "../announce";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { FilePicker } from "../components/file_picker";
import { download } from "../lead/load";
import { ExportFormatError, readExport } from "../verify/export_format";
import { importPublicKey, PublicKeyError, verifyTrail, type Verification } from "../verify/verify";
import { fetchExportText, loadServerKey } from "./load";
import { VerificationView, whyNotVerified } from "./verification_view";
import { t } from "../i18n";
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
      if (!key) throw new Error(t().verifyScreen.keyNotLoaded);
      const verification = await verifyTrail(readExport(await text()), key);
      setResult(verification);
      announce(verification.ok ? t().verifyScreen.verified(verification.events)
        : whyNotVerified(verification));
    } catch (e) {
      const message = e instanceof ExportFormatError ? t().verifyScreen.notExport(e.message)
        : e instanceof PublicKeyError ? t().verifyScreen.badKey(e.message) : (e as Error).message;
      setError(message);
      announce(message);
    } finally {
      setBusy(false);
    }
  };

  const m = t().verifyScreen;
  return (
    <section class="lead-screen">
      <PageHeading>{m.heading}</PageHeading>
      <p>{m.intro[0]}<code>icr audit verify</code>{m.intro[1]}</p>
      <div class="manage-grid">
        <div class="card">
          <h2>{m.trail}</h2>
          <div class="actions">
            <button type="button" class="primary" disabled={busy || (!serverKey.data && !useOwnKey)}
              onClick={() => run(m.serverExport, () => fetchExportText(project))}>
              {m.verifyServer}
            </button>
            <button type="button" disabled={busy} onClick={async () => {
              try {
                download(`${project}-audit-trail.json`, await fetchExportText(project), "application/json");
              } catch (e) {
                setError((e as Error).message);
              }
            }}>{t().audit.downloadExport}</button>
          </div>
          <label for="export-file">{m.orFile[0]}<code>icr audit export</code>{m.orFile[1]}</label>
          <FilePicker id="export-file" accept=".json,.jsonl,application/json" disabled={busy}
            onFile={(file, input) => {
              if (file) void run(file.name, () => file.text());
              input.value = "";
            }} />
          {busy && <Loading what={m.verifying(source)} />}
          <ErrorNote error={error} />
          {result && (
            <section aria-labelledby="result-title">
              <h3 id="result-title">{m.resultFor(source)}</h3>
              <VerificationView result={result} />
            </section>
          )}
        </div>
        <div class="card">
          <h2>{m.keyTitle}</h2>
          <ErrorNote error={serverKey.error} />
          {!serverKey.data && !serverKey.error && <Loading what={m.whatKey} />}
          {serverKey.data && (
            <>
              <dl class="facts">
                <dt>{m.algorithm}</dt><dd>{serverKey.data.json.algorithm}</dd>
                <dt>{m.keyId}</dt><dd class="hash" data-key-id>{serverKey.data.key.keyId}</dd>
              </dl>
              <pre class="pem" tabIndex={0} aria-label={m.keyTitle}>{serverKey.data.json.public_key_pem}</pre>
              <p class="muted">{m.compare[0]}<code>icr audit key</code>{m.compare[1]}</p>
            </>
          )}
          <label class="check">
            <input type="checkbox" checked={useOwnKey} onChange={(e) => setUseOwnKey((e.target as HTMLInputElement).checked)} />
            {m.useOwn}
          </label>
          {useOwnKey && (
            <>
              <label for="own-key">{m.ownKey}</label>
              <textarea id="own-key" rows={4} value={ownPem} placeholder="-----BEGIN PUBLIC KEY-----"
                onInput={(e) => setOwnPem((e.target as HTMLTextAreaElement).value)} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}
