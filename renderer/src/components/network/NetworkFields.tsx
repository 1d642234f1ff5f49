import { useId } from 'react';
import { NETWORK_MODES } from '../../../../shared/network.js';
import { type NetworkDraft, draftProblems } from '../../lib/network-form.js';
import { AllowlistRows } from './AllowlistRows.js';
import { BandwidthFields } from './BandwidthFields.js';
import { ModeChooser } from './ModeChooser.js';

interface NetworkFieldsProps {
  draft: NetworkDraft;
  onChange(draft: NetworkDraft): void;
  disabled?: boolean;
  /** Test ids are `${testPrefix}-mode-none`, `${testPrefix}-host-0`, `${testPrefix}-ingress`, … */
  testPrefix: string;
}

/** A network policy: its mode, the allowlist in allowlist mode, and bandwidth where there is a network. */
export function NetworkFields({ draft, onChange, disabled = false, testPrefix }: NetworkFieldsProps) {
  const id = useId();
  const problems = draftProblems(draft);
  return (
    <div className="network-fields" data-testid={`${testPrefix}-fields`} data-mode={draft.mode}>
      <ModeChooser
        name={`${id}-mode`}
        modes={NETWORK_MODES}
        draft={draft}
        onChange={onChange}
        disabled={disabled}
        testPrefix={testPrefix}
      />
      {draft.mode === 'allowlist' && (
        <AllowlistRows draft={draft} problems={problems} onChange={onChange} disabled={disabled} testPrefix={testPrefix} />
      )}
      {draft.mode !== 'none' && (
        <BandwidthFields draft={draft} problems={problems} onChange={onChange} disabled={disabled} testPrefix={testPrefix} />
      )}
    </div>
  );
}
