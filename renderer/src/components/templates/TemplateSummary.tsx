import type { TemplateInfo } from '../../../../shared/templates.js';
import { allowEntryText } from '../../lib/network-form.js';

const dash = (value: string) => value || '—';

/** A built-in template, read-only, with the way to a copy of one's own. */
export function TemplateSummary({ template: t, onDuplicate }: { template: TemplateInfo; onDuplicate(): void }) {
  const limits = (['cpu', 'memory', 'processes', 'disk'] as const).map((k) => `${k} ${t.limits[k] || 'default'}`).join(', ');
  return (
    <div className="template-summary" data-testid="template-summary" data-template={t.id}>
      <div className="template-summary-head">
        <h3 className="template-summary-name">{t.name}</h3>
        <span className="badge">built in</span>
        <button type="button" className="button button-small button-primary" data-testid="template-duplicate" onClick={onDuplicate}>
          Duplicate
        </button>
      </div>
      <p className="field-hint">{t.description}</p>
      <dl className="template-facts">
        <dt>Id</dt>
        <dd className="mono">{t.id}</dd>
        <dt>Image</dt>
        <dd className="mono">{t.image}</dd>
        <dt>Command</dt>
        <dd className="mono">{t.command || '(a login shell)'}</dd>
        <dt>Environment</dt>
        <dd className="mono">
          {Object.entries(t.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ') || '—'}
        </dd>
        <dt>Secrets</dt>
        <dd>
          {t.secrets.length
            ? t.secrets.map((s) => `${s.anyOf.join(' or ')}${s.optional ? ' (optional)' : ''}`).join('; ')
            : '—'}
        </dd>
        <dt>Names</dt>
        <dd className="mono">{t.namePrefix}-1, {t.namePrefix}-2, …</dd>
        <dt>Limits</dt>
        <dd>{limits}</dd>
        <dt>Network</dt>
        <dd>
          {t.network === null ? 'the default of new agents (Settings)' : t.network.mode}
          {t.network?.mode === 'allowlist' && `: ${t.network.allow.map(allowEntryText).join('; ')}`}
        </dd>
        <dt>Status from</dt>
        <dd>{t.status === 'claude-code-hooks' ? "Claude Code's hooks and tmux" : 'tmux'}</dd>
        <dt>Image installs</dt>
        <dd>{dash(t.installs.join(', '))}</dd>
      </dl>
    </div>
  );
}
