import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import type { ServerProbe } from '../../../../shared/servers.js';
import { errorMessage } from '../../lib/errors.js';
import {
  type AddServerDraft,
  type AddServerField,
  EMPTY_ADD_SERVER,
  type TrustMethod,
  draftProblems,
  errorField,
  suggestServerName,
} from '../../lib/server-form.js';
import { addServer, probeServer } from '../../server-actions.js';
import { Modal } from '../Modal.js';
import { Spinner } from '../Spinner.js';
import { ProbeResult } from './ProbeResult.js';

type Errors = Partial<Record<AddServerField, string>>;

/**
 * Add server: its address and a name, then either a trust token from `incus config trust add`,
 * or its certificate's fingerprint checked here (servers.probe), compared by the user and
 * confirmed, and then pinned. Failures show on the field they are about.
 */
export function AddServerDialog({ taken, onClose }: { taken: readonly string[]; onClose(): void }) {
  const titleId = useId();
  const ids = { address: useId(), name: useId(), token: useId(), method: useId() };
  const addressInput = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState<AddServerDraft>(EMPTY_ADD_SERVER);
  const [nameTouched, setNameTouched] = useState(false);
  const [tried, setTried] = useState(false);
  const [probe, setProbe] = useState<ServerProbe | null>(null);
  const [busy, setBusy] = useState<'probe' | 'add' | null>(null);
  const [errors, setErrors] = useState<Errors>({});

  const problems = draftProblems(draft, taken);
  const shown = (field: AddServerField): string | undefined => errors[field] ?? (tried ? problems[field] : undefined);

  function edit(change: Partial<AddServerDraft>) {
    const next = { ...draft, ...change };
    if (change.address !== undefined && !nameTouched) next.name = suggestServerName(change.address, taken);
    // A probe is of one address: another address must be checked again.
    if (change.address !== undefined && change.address !== draft.address) setProbe(null);
    setDraft(next);
    setErrors({});
  }

  function fail(call: 'probe' | 'add', failure: unknown) {
    setErrors({ [errorField(call, draft.method, failure)]: errorMessage(failure) });
    setBusy(null);
  }

  function checkFingerprint() {
    setTried(true);
    if (problems.address || problems.name) return;
    setBusy('probe');
    setErrors({});
    probeServer(draft.address).then(
      (result) => {
        setProbe(result);
        setBusy(null);
      },
      (failure: unknown) => fail('probe', failure),
    );
  }

  function add(event?: FormEvent) {
    event?.preventDefault();
    // Portaled, but React still bubbles it to the Settings form this dialog is opened from.
    event?.stopPropagation();
    setTried(true);
    if (Object.keys(problems).length > 0 || busy) return;
    if (draft.method === 'fingerprint' && !probe) {
      checkFingerprint();
      return;
    }
    setBusy('add');
    setErrors({});
    const trust = draft.method === 'token' ? { token: draft.token.trim() } : { fingerprint: probe?.fingerprint ?? '' };
    addServer(draft.name, probe && draft.method === 'fingerprint' ? probe.address : draft.address, trust).then(onClose, (failure: unknown) =>
      fail('add', failure),
    );
  }

  const method = (value: TrustMethod, label: string, hint: ReactNode) => (
    <label className="choice">
      <input
        type="radio"
        name={ids.method}
        value={value}
        data-testid={`trust-${value}`}
        checked={draft.method === value}
        onChange={() => edit({ method: value })}
        disabled={busy !== null}
      />
      <span>
        <span className="choice-label">{label}</span>
        <span className="choice-hint">{hint}</span>
      </span>
    </label>
  );

  return (
    <Modal testId="add-server-dialog" labelledBy={titleId} onClose={onClose} initialFocus={addressInput} className="modal-add-server">
      <form onSubmit={add} noValidate>
        <h2 id={titleId} className="modal-title">
          Add server
        </h2>
        <p className="modal-text">An Incus server reachable over HTTPS: Enclave shows its agents beside the others.</p>
        <Field id={ids.address} label="Address" problem={shown('address')} hint="host or host:port (8443 by default), optionally after https://" testId="server-address-input">
          <input
            id={ids.address}
            ref={addressInput}
            className="mono"
            data-testid="server-address-input"
            value={draft.address}
            placeholder="https://incus.example:8443"
            onChange={(event) => edit({ address: event.target.value })}
            aria-invalid={shown('address') !== undefined}
            autoComplete="off"
            spellCheck={false}
            maxLength={300}
            disabled={busy !== null}
          />
        </Field>
        <Field id={ids.name} label="Name" problem={shown('name')} hint="How Enclave names it: agents there are shown as name:agent." testId="server-name-input">
          <input
            id={ids.name}
            className="mono"
            data-testid="server-name-input"
            value={draft.name}
            onChange={(event) => {
              setNameTouched(true);
              edit({ name: event.target.value });
            }}
            aria-invalid={shown('name') !== undefined}
            autoComplete="off"
            spellCheck={false}
            maxLength={100}
            disabled={busy !== null}
          />
        </Field>
        <fieldset className="settings-group">
          <legend>How Enclave is trusted there</legend>
          {method(
            'token',
            'Trust token',
            <>
              From <code>incus config trust add enclave</code> on the server: it trusts Enclave and pins the server at once.
            </>,
          )}
          {method('fingerprint', 'Certificate fingerprint', "Check the server's certificate here, compare and confirm it; the server must already trust Enclave's certificate.")}
        </fieldset>
        {draft.method === 'token' ? (
          <Field id={ids.token} label="Trust token" problem={shown('token')} hint="The long base64 text the command prints; it is used once." testId="server-token-input">
            <textarea
              id={ids.token}
              className="mono server-token"
              data-testid="server-token-input"
              value={draft.token}
              onChange={(event) => edit({ token: event.target.value })}
              aria-invalid={shown('token') !== undefined}
              rows={3}
              spellCheck={false}
              maxLength={4096}
              disabled={busy !== null}
            />
          </Field>
        ) : (
          <div className="add-server-probe">
            {!probe && (
              <button type="button" className="button" data-testid="check-fingerprint" disabled={busy !== null} onClick={checkFingerprint}>
                {busy === 'probe' && <Spinner />}
                Check fingerprint
              </button>
            )}
            {probe && <ProbeResult probe={probe} />}
            {shown('confirm') && (
              <p className="field-problem" role="alert" data-testid="server-confirm-problem">
                {shown('confirm')}
              </p>
            )}
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          {draft.method === 'token' ? (
            <button type="submit" className="button button-primary" data-testid="add-server-confirm" disabled={busy !== null} aria-busy={busy === 'add'}>
              {busy === 'add' && <Spinner />}
              Add server
            </button>
          ) : (
            <button
              type="submit"
              className="button button-primary"
              data-testid="add-server-confirm"
              disabled={busy !== null || probe === null}
              aria-busy={busy === 'add'}
              title={probe ? 'Pin this certificate and add the server' : 'Check the fingerprint first'}
            >
              {busy === 'add' && <Spinner />}
              Trust this certificate and add
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}

function Field({ id, label, problem, hint, testId, children }: { id: string; label: string; problem: string | undefined; hint: string; testId: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {problem ? (
        <p className="field-problem" role="alert" data-testid={`${testId}-problem`}>
          {problem}
        </p>
      ) : (
        <p className="field-hint">{hint}</p>
      )}
    </div>
  );
}
