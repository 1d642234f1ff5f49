import type { ServerInfo } from '../../../../shared/servers.js';
import { serverProblem } from '../../lib/server-display.js';

/** On a card of a server that does not answer: the card is its last known state, and why. */
export function ServerStaleNote({ server }: { server: ServerInfo }) {
  const problem = serverProblem(server.status);
  const what = server.status.state === 'connecting' ? `Reaching ${server.name}…` : `${server.name} unavailable`;
  return (
    <p
      className={problem?.certificateChanged ? 'stale-note stale-note-cert' : 'stale-note'}
      data-testid="server-stale-note"
      data-server={server.name}
      title={problem ? `${problem.message} ${problem.hint}` : 'Last known state'}
    >
      <span className="stale-dot" aria-hidden="true" />
      <span className="stale-since">{problem?.certificateChanged ? `${server.name}: certificate changed` : what}</span>
      {problem && !problem.certificateChanged && <span className="stale-reason">{problem.message}</span>}
    </p>
  );
}
