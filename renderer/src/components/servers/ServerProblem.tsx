import type { ConnectionStatus } from '../../../../shared/types.js';
import { useNow } from '../../hooks/useNow.js';
import { nextTryText, serverProblem } from '../../lib/server-display.js';

/**
 * A server's problem in its own words, with what to do. A changed certificate is a warning
 * the user must act on (Enclave never retries it with the new certificate by itself).
 */
export function ServerProblem({ server, status }: { server: string; status: ConnectionStatus }) {
  const problem = serverProblem(status);
  if (!problem) return null;
  if (problem.certificateChanged) {
    return (
      <div className="server-cert-warning" role="alert" data-testid="server-cert-warning">
        <p className="server-cert-warning-title">
          <WarningIcon /> The certificate of {server} changed
        </p>
        <p className="server-problem-message">{problem.message}</p>
        {problem.hint && <p className="server-problem-hint">{problem.hint}</p>}
        {!problem.hint && (
          <p className="server-problem-hint">
            Enclave refuses it and does not connect to {server} until the new certificate is checked with the server's owner and the
            server is added again with its new fingerprint.
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="server-problem" data-testid="server-problem" data-problem={problem.problem}>
      <p className="server-problem-message">{problem.message}</p>
      {problem.hint && <p className="server-problem-hint">{problem.hint}</p>}
      {problem.nextRetryAt && (
        <NextTry at={problem.nextRetryAt} />
      )}
    </div>
  );
}

function WarningIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path d="M8 1.8 15 14H1Z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      <path d="M8 6v3.6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      <circle cx="8" cy="11.8" r="0.95" fill="currentColor" />
    </svg>
  );
}

function NextTry({ at }: { at: string }) {
  const now = useNow();
  return <p className="server-problem-retry">{nextTryText(at, now)}</p>;
}
