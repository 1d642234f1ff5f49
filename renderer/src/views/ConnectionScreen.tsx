import type { ConnectionStatus } from '../../../shared/types.js';
import { ConnectionRetry } from '../components/ConnectionRetry.js';
import { SetupIncus } from './SetupIncus.js';

type Unavailable = Extract<ConnectionStatus, { state: 'unavailable' }>;

/**
 * Replaces the grid while Incus cannot be reached and no agent is known (with cards, the
 * OutagePanel sits above them instead): what was tried, what failed, what to do.
 */
export function ConnectionScreen({ status }: { status: Unavailable }) {
  const tried = status.tried.filter((path) => path !== status.socketPath);

  return (
    <section className="connection-screen" data-testid="connection-screen" aria-labelledby="connection-title">
      <div className="connection-panel">
        <h1 id="connection-title">Enclave cannot reach Incus</h1>
        {/* The problem once (the message names the socket), then the fix once. */}
        <p className="connection-problem" data-problem={status.problem}>
          {status.message}
        </p>
        {status.hint && <p className="connection-hint">{status.hint}</p>}
        <SetupIncus offer={status.setup} />
        <div className="connection-tried">
          <h2>What was tried</h2>
          <p>
            Socket <code>{status.socketPath}</code>
          </p>
          {tried.length > 0 && (
            <>
              <p>Also looked for:</p>
              <ul>
                {tried.map((path) => (
                  <li key={path}>
                    <code>{path}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <ConnectionRetry nextRetryAt={status.nextRetryAt} />
      </div>
    </section>
  );
}
