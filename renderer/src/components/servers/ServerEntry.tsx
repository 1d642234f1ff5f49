import { useState } from 'react';
import type { ServerInfo } from '../../../../shared/servers.js';
import { usePendingCall } from '../../hooks/usePendingCall.js';
import { CLIENT_CERT_LABELS, SOURCE_LABELS, shortFingerprint } from '../../lib/server-display.js';
import { removeServer } from '../../server-actions.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { ClusterMembers } from './ClusterMembers.js';
import { RetryServerButton } from './RetryServerButton.js';
import { ServerProblem } from './ServerProblem.js';
import { ServerStateChip } from './ServerStateChip.js';

/** One server in Settings → Servers: where it is, how it is trusted, its state, its members. */
export function ServerEntry({ server }: { server: ServerInfo }) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run, clearError } = usePendingCall();
  const removable = server.source !== 'local';
  const hide = server.source === 'cli';
  const certChanged = server.status.state === 'unavailable' && server.status.problem === 'certificate-changed';

  return (
    <li
      className={certChanged ? 'server-entry is-cert-changed' : 'server-entry'}
      data-testid="server-entry"
      data-server={server.name}
      data-state={server.status.state}
      data-source={server.source}
    >
      <div className="server-entry-head">
        <span className="server-entry-name">{server.name}</span>
        <ServerStateChip status={server.status} />
        <span className="server-entry-tools">
          {server.status.state !== 'connected' && <RetryServerButton server={server.name} />}
          {removable && (
            <button
              type="button"
              className="button button-small button-danger-quiet"
              data-action={hide ? 'hide-server' : 'remove-server'}
              disabled={busy}
              aria-busy={busy}
              onClick={() => setConfirming(true)}
            >
              {busy && <Spinner />}
              {hide ? 'Hide' : 'Remove'}
            </button>
          )}
        </span>
      </div>
      <dl className="server-facts">
        <div className="fact-wide">
          <dt>Address</dt>
          <dd className="mono" data-testid="server-address">
            {server.address}
          </dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd data-testid="server-source">{SOURCE_LABELS[server.source]}</dd>
        </div>
        {server.fingerprint && (
          <div>
            <dt>Pinned certificate</dt>
            <dd className="mono" data-testid="server-fingerprint" title={`SHA-256 ${server.fingerprint}`}>
              {shortFingerprint(server.fingerprint)}
            </dd>
          </div>
        )}
        {server.clientCertificate && (
          <div>
            <dt>Client certificate</dt>
            <dd data-testid="server-client-cert">{CLIENT_CERT_LABELS[server.clientCertificate]}</dd>
          </div>
        )}
        {server.status.state === 'connected' && (
          <div>
            <dt>Incus</dt>
            <dd>
              {server.status.serverVersion}, project {server.status.project}
            </dd>
          </div>
        )}
      </dl>
      <ServerProblem server={server.name} status={server.status} />
      {error && <InlineError testId="server-entry-error" message={error} onDismiss={clearError} />}
      {server.cluster && (
        <div className="server-cluster">
          <p className="server-cluster-title">Cluster members</p>
          <ClusterMembers server={server.name} members={server.cluster} />
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={hide ? `Hide ${server.name}` : `Remove ${server.name}`}
          lead={hide ? undefined : 'Its agents keep running on the server; Enclave stops showing them.'}
          message={
            hide
              ? `${server.name} comes from the incus CLI's remotes. Enclave stops showing it and its agents; the CLI's config is not changed.`
              : `Enclave forgets ${server.name} (${server.address}) and its pinned certificate. Adding it again asks for a token or the fingerprint again.`
          }
          confirmLabel={hide ? 'Hide' : 'Remove'}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            run(() => removeServer(server));
          }}
        />
      )}
    </li>
  );
}
