import { useId } from 'react';
import { BANDWIDTH_RULE, type NetworkDraft, type NetworkProblems } from '../../lib/network-form.js';

interface BandwidthFieldsProps {
  draft: NetworkDraft;
  problems: NetworkProblems;
  onChange(draft: NetworkDraft): void;
  disabled: boolean;
  testPrefix: string;
}

const DIRECTIONS = [
  { key: 'ingress', label: 'Into the agent' },
  { key: 'egress', label: 'Out of the agent' },
] as const;

/** Bandwidth into and out of the agent; empty is unlimited. */
export function BandwidthFields({ draft, problems, onChange, disabled, testPrefix }: BandwidthFieldsProps) {
  const id = useId();
  const problem = problems.ingress ?? problems.egress;
  return (
    <div className="bandwidth" role="group" aria-labelledby={`${id}-title`}>
      <span id={`${id}-title`} className="network-subtitle">
        Bandwidth
      </span>
      <div className="bandwidth-fields">
        {DIRECTIONS.map(({ key, label }) => (
          <div className="field" key={key}>
            <label htmlFor={`${id}-${key}`}>{label}</label>
            <input
              id={`${id}-${key}`}
              className="mono"
              data-testid={`${testPrefix}-${key}`}
              value={draft[key]}
              placeholder="unlimited"
              onChange={(event) => onChange({ ...draft, [key]: event.target.value })}
              aria-invalid={problems[key] !== null}
              aria-describedby={`${id}-hint`}
              autoComplete="off"
              spellCheck={false}
              maxLength={32}
              disabled={disabled}
            />
          </div>
        ))}
      </div>
      <p
        id={`${id}-hint`}
        className={problem ? 'field-problem' : 'field-hint'}
        role={problem ? 'alert' : undefined}
        data-testid={`${testPrefix}-bandwidth-hint`}
      >
        {problem ?? BANDWIDTH_RULE}
      </p>
    </div>
  );
}
