import type { ServerProbe } from '../../../../shared/servers.js';
import { groupedFingerprint } from '../../lib/server-display.js';
import { formatExact } from '../../lib/time.js';

/** What servers.probe saw, for the user to compare with the server's own `incus info` before pinning it. */
export function ProbeResult({ probe }: { probe: ServerProbe }) {
  const expired = Date.parse(probe.notAfter) < Date.now();
  return (
    <div className="probe-result" data-testid="probe-result" data-auth={probe.auth}>
      <p className="probe-title">
        The certificate of {probe.serverName ?? probe.address}
      </p>
      <dl className="server-facts">
        <div className="fact-wide">
          <dt>SHA-256 fingerprint</dt>
          <dd className="mono probe-fingerprint" data-testid="probe-fingerprint">
            {groupedFingerprint(probe.fingerprint)}
          </dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd data-testid="probe-subject">{probe.subject || '—'}</dd>
        </div>
        <div>
          <dt>Valid until</dt>
          <dd data-testid="probe-expiry" className={expired ? 'probe-expired' : undefined}>
            {formatExact(probe.notAfter)}
            {expired && ' (expired)'}
          </dd>
        </div>
        <div>
          <dt>Trusts Enclave</dt>
          <dd data-testid="probe-auth">{probe.auth === 'trusted' ? 'Yes' : 'Not yet'}</dd>
        </div>
      </dl>
      <p className="field-hint">
        Compare it with what the server shows (<code>incus info</code> on it, under "certificate_fingerprint") before you trust it.
      </p>
      {probe.auth === 'untrusted' && (
        <p className="probe-untrusted" data-testid="probe-untrusted">
          This server does not trust Enclave yet. Add Enclave's client certificate there first (below: "Enclave's client certificate"), or
          use a trust token instead.
        </p>
      )}
    </div>
  );
}
