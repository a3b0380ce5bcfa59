// Shows a verification's outcome: a verdict in words, then each check with
// an icon and a word (never colour alone), the failing event named first.
import { t } from "../i18n";
import type { Verification } from "../verify/verify";

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
          <span aria-hidden="true">✗</span> {m.notVerified(result.failure?.message ?? "")}
        </p>
      )}
      <ul class="checks">
        {result.checks.map((c) => (
          <li key={c.name} data-check={c.name}>
            {c.ok === true && <span class="ok"><span aria-hidden="true">✓</span> {m.passed}</span>}
            {c.ok === false && <span class="failed"><span aria-hidden="true">✗</span> {m.failed}</span>}
            {c.ok === null && <span class="skipped"><span aria-hidden="true">–</span> {m.notChecked}</span>}
            {" "}<strong>{m.checks[c.name] ?? c.name}</strong>: <span lang="en" dir="ltr">{c.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
