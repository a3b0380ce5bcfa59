// Shows a verification's outcome: a verdict in words, then each check with
// an icon and a word (never colour alone), the failing event named first.
import type { Verification } from "../verify/verify";

const CHECK_NAMES: Record<string, string> = {
  chain: "Hash chain",
  signature: "Signature of the head (Ed25519)",
  merkle: "Merkle root (RFC 9162)",
  kept: "The report's head",
};

export function VerificationView({ result }: { result: Verification }) {
  return (
    <div class="verification" data-ok={result.ok ? "true" : "false"}>
      {result.ok ? (
        <p class="notice verdict" role="status">
          <span aria-hidden="true">✓</span> Verified: {result.events} events of project {result.project},
          the chain and the Merkle root intact, the head signed by key <span class="hash">{result.keyId}</span>.
        </p>
      ) : (
        <p class="error verdict" role="alert">
          <span aria-hidden="true">✗</span> Not verified: {result.failure?.message}
        </p>
      )}
      <ul class="checks">
        {result.checks.map((c) => (
          <li key={c.name} data-check={c.name}>
            {c.ok === true && <span class="ok"><span aria-hidden="true">✓</span> passed</span>}
            {c.ok === false && <span class="failed"><span aria-hidden="true">✗</span> failed</span>}
            {c.ok === null && <span class="skipped"><span aria-hidden="true">–</span> not checked</span>}
            {" "}<strong>{CHECK_NAMES[c.name] ?? c.name}</strong>: {c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
