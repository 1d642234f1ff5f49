import { useEffect, useId, useRef } from 'react';
import { AGENT_NAME_RULE } from '../../../../shared/names.js';
import { LimitsFields } from '../limits/LimitsFields.js';
import { NetworkFields } from '../network/NetworkFields.js';
import { ServerFields } from './ServerFields.js';
import type { StepProps } from './step-props.js';

export function NameStep({ draft, change, template, problem, context }: StepProps) {
  const nameId = useId();
  const hintId = useId();
  const descriptionId = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.select();
  }, []);
  return (
    <div className="wizard-step-body">
      <p className="wizard-lede">
        {template ? `Numbered from ${template.name}'s prefix, ${template.namePrefix}; any free name will do.` : 'Any free name will do.'}
      </p>
      <ServerFields draft={draft} change={change} template={template} context={context} />
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          ref={input}
          data-testid="agent-name"
          className="mono"
          value={draft.name}
          onChange={(event) => change({ ...draft, name: event.target.value, touched: { ...draft.touched, name: true } })}
          aria-invalid={problem !== null}
          aria-describedby={hintId}
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
        />
        {problem ? (
          <p id={hintId} className="field-problem" data-testid="agent-name-problem" role="alert">
            {problem}
          </p>
        ) : (
          <p id={hintId} className="field-hint">
            {AGENT_NAME_RULE}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={descriptionId}>
          Description <span className="optional">(optional)</span>
        </label>
        <input
          id={descriptionId}
          data-testid="agent-description"
          value={draft.description}
          onChange={(event) => change({ ...draft, description: event.target.value })}
          maxLength={1024}
          placeholder="What this agent works on"
        />
      </div>
    </div>
  );
}

export function LimitsStep({ draft, change, template }: StepProps) {
  return (
    <div className="wizard-step-body" data-testid="wizard-limits">
      <p className="wizard-lede">
        {template ? `${template.name}'s limits where it sets them, else the defaults from Settings.` : 'The defaults from Settings.'} The agent's view can change
        them later.
      </p>
      <LimitsFields
        draft={draft.limits}
        onChange={(limits) => change({ ...draft, limits, touched: { ...draft.touched, limits: true } })}
        testPrefix="new-agent-limits"
      />
    </div>
  );
}

export function NetworkStep({ draft, change, template }: StepProps) {
  return (
    <div className="wizard-step-body" data-testid="wizard-network">
      <p className="wizard-lede">
        {template ? `What ${template.name} needs to reach, from the template.` : 'From the template.'} It can be changed live once the agent runs.
      </p>
      <fieldset className="settings-group network-group" data-testid="new-agent-network">
        <legend>Network</legend>
        <NetworkFields
          draft={draft.network}
          onChange={(network) => change({ ...draft, network, touched: { ...draft.touched, network: true } })}
          testPrefix="new-agent-network"
        />
      </fieldset>
    </div>
  );
}
