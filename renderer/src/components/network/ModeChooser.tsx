import type { NetworkMode } from '../../../../shared/types.js';
import { MODE_EXPLANATIONS, MODE_LABELS, type NetworkDraft, withMode } from '../../lib/network-form.js';

interface ModeChooserProps {
  /** The radio group's name, unique on the page. */
  name: string;
  modes: readonly NetworkMode[];
  draft: NetworkDraft;
  onChange(draft: NetworkDraft): void;
  disabled: boolean;
  testPrefix: string;
}

/** One radio per mode, each with what it allows and blocks. */
export function ModeChooser({ name, modes, draft, onChange, disabled, testPrefix }: ModeChooserProps) {
  return (
    <div className="network-modes" role="radiogroup" aria-label="Network mode">
      {modes.map((mode) => (
        <label key={mode} className={draft.mode === mode ? 'network-mode is-on' : 'network-mode'}>
          <input
            type="radio"
            name={name}
            value={mode}
            data-testid={`${testPrefix}-mode-${mode}`}
            checked={draft.mode === mode}
            disabled={disabled}
            onChange={() => onChange(withMode(draft, mode))}
          />
          <span className="network-mode-text">
            <span className="network-mode-name">{MODE_LABELS[mode]}</span>
            <span className="network-mode-help">{MODE_EXPLANATIONS[mode]}</span>
          </span>
        </label>
      ))}
    </div>
  );
}
