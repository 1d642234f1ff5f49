import { useState } from 'react';
import { errorMessage } from '../../lib/errors.js';
import { groupedFingerprint } from '../../lib/server-display.js';
import { loadClientCertificate } from '../../server-actions.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { CopyButton } from './CopyButton.js';

const COMMAND = 'incus config trust add-certificate FILE';

/** Enclave's own client certificate (public), to be trusted on a server before adding it by fingerprint. */
export function ClientCertificate() {
  const [cert, setCert] = useState<{ pem: string; fingerprint: string } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function show() {
    setLoading(true);
    setError(null);
    loadClientCertificate().then(
      (reply) => {
        setCert(reply);
        setLoading(false);
      },
      (failure: unknown) => {
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
  }

  return (
    <fieldset className="settings-group client-cert" data-testid="client-certificate">
      <legend>Enclave's client certificate</legend>
      <p className="section-note">
        A server trusts Enclave by this certificate. Save it to a file on the server and run <code>{COMMAND}</code> there (a trust token does
        this for you). Its private key never leaves this computer.
      </p>
      {!cert && (
        <button type="button" className="button button-small" data-testid="show-client-cert" disabled={loading} onClick={show}>
          {loading && <Spinner />}
          Show the certificate
        </button>
      )}
      {cert && (
        <>
          <p className="field-hint mono" data-testid="client-cert-fingerprint">
            SHA-256 {groupedFingerprint(cert.fingerprint)}
          </p>
          <pre className="client-cert-pem" data-testid="client-cert-pem" tabIndex={0}>
            {cert.pem.trim()}
          </pre>
          <div className="client-cert-tools">
            <CopyButton text={cert.pem} label="Copy certificate" testId="copy-client-cert" />
            <CopyButton text={COMMAND} label="Copy command" testId="copy-trust-command" />
          </div>
        </>
      )}
      {error && <InlineError testId="client-cert-error" message={error} onDismiss={() => setError(null)} />}
    </fieldset>
  );
}
