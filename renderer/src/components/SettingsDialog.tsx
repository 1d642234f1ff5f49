import { type FormEvent, useEffect, useId, useState } from 'react';
import { expiryProblem } from '../../../shared/names.js';
import type { AgentLimits, GuardSettings, NetworkPolicy } from '../../../shared/types.js';
import { desktopNotificationsApply, enableDesktopNotifications } from '../guard-actions.js';
import { type GuardDraft, guardDraft, guardDraftValid, guardFromDraft } from '../lib/guard-form.js';
import { GuardFields } from './guard/GuardFields.js';
import { errorMessage } from '../lib/errors.js';
import { type LimitsDraft, NO_LIMITS, draftFromLimits, draftValid, limitsFromDraft } from '../lib/limits-form.js';
import { type NetworkDraft, draftFromPolicy, draftValid as networkDraftValid, policyFromDraft } from '../lib/network-form.js';
import { type ScheduleDraft, draftFrom, scheduleFromDraft } from '../lib/schedule.js';
import { keptFor } from '../lib/snapshot-format.js';
import { useSettings } from '../stores/settings.js';
import { showToast } from '../stores/toasts.js';
import { loadSettings, saveSettings } from '../snapshot-actions.js';
import { InlineError } from './InlineError.js';
import { LimitsFields } from './limits/LimitsFields.js';
import { Modal } from './Modal.js';
import { NetworkFields } from './network/NetworkFields.js';
import { ScheduleFields, draftProblems } from './snapshots/ScheduleFields.js';
import { Spinner } from './Spinner.js';

/** Enclave's own settings: what new agents get, and how long safety snapshots are kept. */
export function SettingsDialog({ onClose }: { onClose(): void }) {
  const titleId = useId();
  const settings = useSettings((state) => state.settings);

  useEffect(() => {
    void loadSettings();
  }, []);

  return (
    <Modal testId="settings-dialog" labelledBy={titleId} onClose={onClose} className="modal-wide">
      <h2 id={titleId} className="modal-title">
        Settings
      </h2>
      {settings ? (
        <SettingsForm
          schedule={settings.snapshotDefaults}
          safetyExpiry={settings.safetyExpiry}
          // A backend from before limits sends none: nothing is limited then.
          defaultLimits={settings.defaultLimits ?? NO_LIMITS}
          guardDefaults={settings.guardDefaults ?? null}
          // A backend from before network policies sends none: new agents got no network then.
          defaultNetwork={settings.defaultNetwork ?? null}
          onClose={onClose}
        />
      ) : (
        <p className="placeholder" role="status">
          <Spinner /> Loading settings…
        </p>
      )}
    </Modal>
  );
}

interface SettingsFormProps {
  schedule: { schedule: string; expiry: string };
  safetyExpiry: string;
  defaultLimits: AgentLimits;
  /** Null from a backend without a guard: the section is left out. */
  guardDefaults: GuardSettings | null;
  /** Null from a backend without network policies: the section is left out. */
  defaultNetwork: NetworkPolicy | null;
  onClose(): void;
}

function SettingsForm({ schedule, safetyExpiry, defaultLimits, guardDefaults, defaultNetwork, onClose }: SettingsFormProps) {
  const safetyId = useId();
  const safetyHintId = useId();
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftFrom(schedule));
  const [safety, setSafety] = useState(safetyExpiry);
  const [limits, setLimits] = useState<LimitsDraft>(() => draftFromLimits(defaultLimits));
  const [guard, setGuard] = useState<GuardDraft | null>(() => (guardDefaults ? guardDraft(guardDefaults) : null));
  const [network, setNetwork] = useState<NetworkDraft | null>(() => (defaultNetwork ? draftFromPolicy(defaultNetwork) : null));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const problems = draftProblems(draft);
  const safetyProblem = expiryProblem(safety);
  const canSave = !problems.cron && !problems.expiry && !safetyProblem && draftValid(limits) && (!guard || guardDraftValid(guard)) && (!network || networkDraftValid(network)) && !saving;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSave) return;
    setSaving(true);
    setError(null);
    try {
      await saveSettings({
        snapshotDefaults: scheduleFromDraft(draft),
        safetyExpiry: safety.trim(),
        defaultLimits: limitsFromDraft(limits),
        ...(guard ? { guardDefaults: guardFromDraft(guard) } : {}),
        ...(network ? { defaultNetwork: policyFromDraft(network) } : {}),
      });
      showToast({ tone: 'success', message: 'Settings saved.', testId: 'settings-done' });
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
      setSaving(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <fieldset className="settings-group" data-testid="settings-schedule">
        <legend>Automatic snapshots of new agents</legend>
        <p className="section-note">Applied when an agent is created; each agent's own schedule is in its timeline.</p>
        <ScheduleFields draft={draft} onChange={setDraft} disabled={saving} />
      </fieldset>
      <fieldset className="settings-group">
        <legend>Safety snapshots</legend>
        <p className="section-note">Taken before every restore, so the restore can be undone.</p>
        <div className="field">
          <label htmlFor={safetyId}>Keep each for</label>
          <input
            id={safetyId}
            data-testid="settings-safety-expiry"
            className="mono"
            value={safety}
            placeholder="e.g. 7d"
            onChange={(event) => setSafety(event.target.value)}
            aria-invalid={safetyProblem !== null}
            aria-describedby={safetyHintId}
            autoComplete="off"
            spellCheck={false}
            maxLength={100}
            disabled={saving}
          />
          <p id={safetyHintId} className={safetyProblem ? 'field-problem' : 'field-hint'} role={safetyProblem ? 'alert' : undefined}>
            {safetyProblem ??
              (safety.trim() ? `Safety snapshots are ${keptFor(safety)}.` : 'Safety snapshots are kept until deleted.')}
          </p>
        </div>
      </fieldset>
      <fieldset className="settings-group" data-testid="settings-limits">
        <legend>Limits of new agents</legend>
        <p className="section-note">Applied when an agent is created; each agent's own limits are in its panel.</p>
        <LimitsFields draft={limits} onChange={setLimits} disabled={saving} testPrefix="settings-limit" />
      </fieldset>
      {network && (
        <fieldset className="settings-group network-group" data-testid="settings-network">
          <legend>Network of new agents</legend>
          <p className="section-note">
            Prefilled in the new agent dialog; each agent's own policy is in its panel, where it changes live.
          </p>
          <NetworkFields draft={network} onChange={setNetwork} disabled={saving} testPrefix="settings-network" />
        </fieldset>
      )}
      {guard && (
        <fieldset className="settings-group" data-testid="settings-guard">
          <legend>Guard</legend>
          <p className="section-note">
            Watches every agent without its own guard settings; thresholds are shares of each agent's limits.
          </p>
          <GuardFields draft={guard} onChange={setGuard} disabled={saving} testPrefix="settings-guard" />
          <DesktopNotifications />
        </fieldset>
      )}
      {error && <InlineError testId="settings-error" message={error} />}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="settings-save" disabled={!canSave} aria-busy={saving}>
          {saving && <Spinner />}
          Save
        </button>
      </div>
    </form>
  );
}

/** Browser mode only: OS notifications of guard alerts need the user's permission, asked on a click. */
function DesktopNotifications() {
  const [permission, setPermission] = useState<NotificationPermission | null>(() =>
    desktopNotificationsApply() ? Notification.permission : null,
  );
  if (permission === null) return null;
  if (permission === 'granted') {
    return (
      <p className="field-hint" data-testid="notifications-state" data-permission="granted">
        Desktop notifications are on for guard alerts.
      </p>
    );
  }
  if (permission === 'denied') {
    return (
      <p className="field-hint" data-testid="notifications-state" data-permission="denied">
        Desktop notifications are blocked for this page; allow them in the browser's site settings.
      </p>
    );
  }
  return (
    <button
      type="button"
      className="button button-small"
      data-testid="enable-notifications"
      onClick={() => void enableDesktopNotifications().then(setPermission)}
    >
      Enable desktop notifications
    </button>
  );
}
