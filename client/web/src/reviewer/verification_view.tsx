// Shows a verification's outcome: a verdict in words, then each check with
// an icon and a word (never colour alone), the failing event named first.
import { t } from "../i18n";
import { writeFinding } from "../verify/findings";
import type { Verification } from "../verify/verify";

/**
 * A finding as written by the catalog, its isolated runs as elements: a
 * left-to-right run (\u2066…\u2069: hashes, key ids, times, method names)
 * kept whole, a hash in the monospace of the app's hashes; a name
 * (\u2068…\u2069) in a <bdi>.
 */
function Written({ text }: { text: string }) {
  const parts = text.split(/([\u2066\u2068])([^\u2069]*)\u2069/);
  const out = [];
  for (let i = 0; i < parts.length; i += 3) {
    out.push(parts[i]);
    if (i + 2 >= parts.length) break;
    const run = parts[i + 2]!;
    out.push(parts[i + 1] === "\u2068" ? <bdi key={i}>{run}</bdi>
      : <span key={i} dir="ltr" class={/^[0-9a-f]{16,}$/.test(run) ? "hash" : "ltr-run"}>{run}</span>);
  }
  return <>{out}</>;
}

/** Why `result` does not verify, in the interface's language. */
export function whyNotVerified(result: Verification): string {
  const m = t().verification;
  return m.notVerified(result.failure ? writeFinding(m.findings, result.failure.finding) : "");
}

export function VerificationView({ result }: { result: Verification }) {
  const m = t().verification;
  return (
    <div class="verification" data-ok={result.ok ? "true" : "false"}>
      {result.ok ? (
        <p class="notice verdict" role="status">
          <span aria-hidden="true">✓</span> {m.verified(result.events, result.project)} <span class="hash">{result.keyId}</span>.
        </p>
      ) : (
        <p class="error verdict" role="alert">
          <span aria-hidden="true">✗</span> <Written text={whyNotVerified(result)} />
        </p>
      )}
      <ul class="checks">
        {result.checks.map((c) => (
          <li key={c.name} data-check={c.name}>
            {c.ok === true && <span class="ok"><span aria-hidden="true">✓</span> {m.passed}</span>}
            {c.ok === false && <span class="failed"><span aria-hidden="true">✗</span> {m.failed}</span>}
            {c.ok === null && <span class="skipped"><span aria-hidden="true">–</span> {m.notChecked}</span>}
            {" "}<strong>{m.checks[c.name] ?? c.name}</strong>: <span class="detail"><Written text={writeFinding(m.findings, c.detail)} /></span>
          </li>
        ))}
      </ul>
    </div>
  );
}
