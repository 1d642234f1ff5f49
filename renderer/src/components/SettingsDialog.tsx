import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { expiryProblem } from '../../../shared/names.js';
import type { AgentLimits, GuardSettings, NetworkPolicy } from '../../../shared/types.js';
import { desktopNotificationsApply, enableDesktopNotifications } from '../guard-actions.js';
import { type GuardDraft, guardDraft, guardDraftValid, guardFromDraft } from '../lib/guard-form.js';
import { GuardFields } from './guard/GuardFields.js';
import { errorMessage } from '../lib/errors.js';
import { type LimitsDraft, NO_LIMITS, draftFromLimits, draftValid, limitsFromDraft } from '../lib/limits-form.js';
import { type NetworkDraft, draftFromPolicy, draftValid as networkDraftValid, policyFromDraft } from '../lib/network-form.js';
import { type ScheduleDraft, draftFrom, scheduleFromDraft } from '../lib/schedule.js';
import {
  type SettingsSectionId,
  availableSections,
  draftChanged,
  fixMessage,
  sectionForKey,
  sectionNames,
  sectionsWhere,
} from '../lib/settings-sections.js';
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
import { SecretsSection } from './secrets/SecretsSection.js';
import { ServersSection } from './servers/ServersSection.js';

/**
 * Enclave's own settings: what new agents get, how long safety snapshots are kept, and the
 * guard. One section at a time (a vertical tab list), with Save and Cancel always in view.
 */
export function SettingsDialog({ onClose }: { onClose(): void }) {
  const titleId = useId();
  const settings = useSettings((state) => state.settings);

  useEffect(() => {
    void loadSettings();
  }, []);

  return (
    <Modal testId="settings-dialog" labelledBy={titleId} onClose={onClose} className="modal-settings">
      {settings ? (
        <SettingsForm
          titleId={titleId}
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
        <>
          <SettingsHead titleId={titleId} />
          <p className="placeholder" role="status">
            <Spinner /> Loading settings…
          </p>
        </>
      )}
    </Modal>
  );
}

function SettingsHead({ titleId }: { titleId: string }) {
  return (
    <div className="settings-head">
      <h2 id={titleId} className="modal-title">
        Settings
      </h2>
      <p className="settings-lede">What new agents get, and how Enclave watches and snapshots them.</p>
    </div>
  );
}

interface SettingsFormProps {
  titleId: string;
  schedule: { schedule: string; expiry: string };
  safetyExpiry: string;
  defaultLimits: AgentLimits;
  /** Null from a backend without a guard: the section is left out. */
  guardDefaults: GuardSettings | null;
  /** Null from a backend without network policies: the section is left out. */
  defaultNetwork: NetworkPolicy | null;
  onClose(): void;
}

interface Drafts {
  schedule: ScheduleDraft;
  safety: string;
  limits: LimitsDraft;
  guard: GuardDraft | null;
  network: NetworkDraft | null;
}

function SettingsForm({ titleId, schedule, safetyExpiry, defaultLimits, guardDefaults, defaultNetwork, onClose }: SettingsFormProps) {
  const safetyId = useId();
  const safetyHintId = useId();
  const sectionIds = useId();
  // Every section's draft lives here, so switching sections keeps what was typed.
  const [initial] = useState<Drafts>(() => ({
    schedule: draftFrom(schedule),
    safety: safetyExpiry,
    limits: draftFromLimits(defaultLimits),
    guard: guardDefaults ? guardDraft(guardDefaults) : null,
    network: defaultNetwork ? draftFromPolicy(defaultNetwork) : null,
  }));
  const [draft, setDraft] = useState<ScheduleDraft>(initial.schedule);
  const [safety, setSafety] = useState(initial.safety);
  const [limits, setLimits] = useState<LimitsDraft>(initial.limits);
  const [guard, setGuard] = useState<GuardDraft | null>(initial.guard);
  const [network, setNetwork] = useState<NetworkDraft | null>(initial.network);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const sections = availableSections({ network: network !== null, guard: guard !== null });
  const [current, setCurrent] = useState<SettingsSectionId>('limits');
  const tabs = useRef(new Map<SettingsSectionId, HTMLButtonElement>());

  const problems = draftProblems(draft);
  const safetyProblem = expiryProblem(safety);
  const invalid = sectionsWhere(sections, {
    limits: !draftValid(limits),
    network: network !== null && !networkDraftValid(network),
    snapshots: problems.cron !== null || problems.expiry !== null || safetyProblem !== null,
    guard: guard !== null && !guardDraftValid(guard),
  });
  const changed = sectionsWhere(sections, {
    limits: draftChanged(initial.limits, limits),
    network: draftChanged(initial.network, network),
    snapshots: draftChanged(initial.schedule, draft) || draftChanged(initial.safety, safety),
    guard: draftChanged(initial.guard, guard),
  });
  const canSave = invalid.length === 0 && !saving;

  function select(id: SettingsSectionId, focus: boolean) {
    setCurrent(id);
    if (focus) tabs.current.get(id)?.focus();
  }

  function onTabKey(event: KeyboardEvent<HTMLButtonElement>) {
    const next = sectionForKey(
      sections.map((section) => section.id),
      current,
      event.key,
    );
    if (!next) return;
    event.preventDefault();
    select(next, true);
  }

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

  const tabId = (id: SettingsSectionId) => `${sectionIds}-tab-${id}`;
  const panelId = (id: SettingsSectionId) => `${sectionIds}-panel-${id}`;
  const panel = (id: SettingsSectionId) => ({
    role: 'tabpanel',
    id: panelId(id),
    'aria-labelledby': tabId(id),
    hidden: current !== id,
    className: 'settings-panel',
    'data-section': id,
  });
  const fix = fixMessage(invalid);
  const firstInvalid = invalid[0];

  return (
    <form className="settings-form" onSubmit={(event) => void submit(event)} noValidate>
      <SettingsHead titleId={titleId} />
      <div className="settings-body">
        <div className="settings-nav" role="tablist" aria-orientation="vertical" aria-label="Settings sections">
          {sections.map((section) => {
            const bad = invalid.includes(section);
            const edited = changed.includes(section);
            return (
              <button
                key={section.id}
                ref={(element) => {
                  if (element) tabs.current.set(section.id, element);
                  else tabs.current.delete(section.id);
                }}
                type="button"
                role="tab"
                id={tabId(section.id)}
                aria-controls={panelId(section.id)}
                aria-selected={current === section.id}
                tabIndex={current === section.id ? 0 : -1}
                className="settings-tab"
                data-testid={`settings-tab-${section.id}`}
                data-invalid={bad || undefined}
                data-changed={edited || undefined}
                onClick={() => select(section.id, false)}
                onKeyDown={onTabKey}
              >
                <span className="settings-tab-label">
                  {section.label}
                  {bad ? (
                    <span className="settings-tab-mark settings-tab-mark-problem" aria-hidden="true">
                      !
                    </span>
                  ) : (
                    edited && <span className="settings-tab-mark settings-tab-mark-changed" aria-hidden="true" />
                  )}
                </span>
                <span className="settings-tab-hint">{section.hint}</span>
                {(bad || edited) && <span className="sr-only">{bad ? ', has a field to fix' : ', changed'}</span>}
              </button>
            );
          })}
        </div>
        <div className="settings-panels">
          <section {...panel('limits')} data-testid="settings-limits">
            <h3 className="settings-panel-title">Limits of new agents</h3>
            <p className="section-note">Applied when an agent is created; each agent's own limits are in its panel.</p>
            <LimitsFields draft={limits} onChange={setLimits} disabled={saving} testPrefix="settings-limit" />
          </section>
          {network && (
            <section {...panel('network')} data-testid="settings-network">
              <h3 className="settings-panel-title">Network of new agents</h3>
              <p className="section-note">
                Prefilled in the new agent dialog; each agent's own policy is in its panel, where it changes live.
              </p>
              <NetworkFields draft={network} onChange={setNetwork} disabled={saving} testPrefix="settings-network" />
            </section>
          )}
          <section {...panel('snapshots')} data-testid="settings-snapshots">
            <h3 className="settings-panel-title">Snapshots</h3>
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
          </section>
          {guard && (
            <section {...panel('guard')} data-testid="settings-guard">
              <h3 className="settings-panel-title">Guard</h3>
              <p className="section-note">
                Watches every agent without its own guard settings; thresholds are shares of each agent's limits.
              </p>
              <GuardFields draft={guard} onChange={setGuard} disabled={saving} testPrefix="settings-guard" />
              <DesktopNotifications />
            </section>
          )}
          <section {...panel('secrets')} data-testid="settings-secrets">
            <h3 className="settings-panel-title">Secrets</h3>
            <SecretsSection />
          </section>
          <section {...panel('servers')} data-testid="settings-servers">
            <h3 className="settings-panel-title">Servers</h3>
            <ServersSection />
          </section>
        </div>
      </div>
      <div className="settings-footer" data-testid="settings-footer">
        <div className="settings-footer-status">
          {error ? (
            <InlineError testId="settings-error" message={error} />
          ) : fix && firstInvalid ? (
            <p className="field-problem" data-testid="settings-fix">
              {fix}{' '}
              {firstInvalid.id !== current && (
                <button type="button" className="link-button" onClick={() => select(firstInvalid.id, true)}>
                  Show {firstInvalid.label}
                </button>
              )}
            </p>
          ) : changed.length > 0 ? (
            <p className="field-hint" data-testid="settings-unsaved">
              Unsaved changes in {sectionNames(changed)}.
            </p>
          ) : current === 'secrets' ? (
            <p className="field-hint">Secrets are saved as you add, replace or delete them.</p>
          ) : current === 'servers' ? (
            <p className="field-hint">Servers are saved as you add or remove them.</p>
          ) : null}
        </div>
        <div className="settings-footer-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" data-testid="settings-save" disabled={!canSave} aria-busy={saving}>
            {saving && <Spinner />}
            Save
          </button>
        </div>
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
