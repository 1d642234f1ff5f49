import { useId } from 'react';
import {
  HOST_RULE,
  PORTS_RULE,
  type AllowRowDraft,
  type NetworkDraft,
  type NetworkProblems,
  withRow,
  withRowChange,
  withoutRow,
} from '../../lib/network-form.js';
import { DismissButton } from '../DismissButton.js';
import { PlusIcon } from '../PlusIcon.js';

interface AllowlistRowsProps {
  draft: NetworkDraft;
  problems: NetworkProblems;
  onChange(draft: NetworkDraft): void;
  disabled: boolean;
  testPrefix: string;
}

/** The allowed destinations: a host and its ports per row, each row checked as typed. */
export function AllowlistRows({ draft, problems, onChange, disabled, testPrefix }: AllowlistRowsProps) {
  const id = useId();
  const rowsOk = Object.values(problems.rows).every((row) => row.host === null && row.ports === null);
  return (
    <div className="allowlist" role="group" aria-labelledby={`${id}-title`}>
      <div className="allowlist-head">
        <span id={`${id}-title`} className="allowlist-title">
          Allowed hosts
        </span>
        {draft.allow.length > 0 && (
          <>
            <span className="allowlist-col-host">Host</span>
            <span className="allowlist-col-ports">Ports</span>
          </>
        )}
      </div>
      {draft.allow.map((row, index) => (
        <AllowRow
          key={row.id}
          row={row}
          index={index}
          problems={problems.rows[row.id] ?? { host: null, ports: null }}
          onChange={(change) => onChange(withRowChange(draft, row.id, change))}
          onRemove={() => onChange(withoutRow(draft, row.id))}
          disabled={disabled}
          testPrefix={testPrefix}
        />
      ))}
      {problems.allow && (
        <p className="field-problem" role="alert" data-testid={`${testPrefix}-allow-problem`}>
          {problems.allow}
        </p>
      )}
      <div className="allowlist-foot">
        <button
          type="button"
          className="button button-small"
          data-testid={`${testPrefix}-add-host`}
          disabled={disabled}
          onClick={() => onChange(withRow(draft))}
        >
          <PlusIcon />
          Add host
        </button>
        {/* The rows' own problems state the rules when something is wrong. */}
        {rowsOk && (
          <p className="field-hint">
            {HOST_RULE} {PORTS_RULE}
          </p>
        )}
      </div>
    </div>
  );
}

interface AllowRowProps {
  row: AllowRowDraft;
  index: number;
  problems: { host: string | null; ports: string | null };
  onChange(change: Partial<Omit<AllowRowDraft, 'id'>>): void;
  onRemove(): void;
  disabled: boolean;
  testPrefix: string;
}

function AllowRow({ row, index, problems, onChange, onRemove, disabled, testPrefix }: AllowRowProps) {
  const problemId = useId();
  const problem = problems.host !== null || problems.ports !== null;
  return (
    <div className="allow-row" data-testid={`${testPrefix}-allow-row`}>
      <div className="allow-row-inputs">
        <input
          className="mono allow-host"
          data-testid={`${testPrefix}-host-${index}`}
          aria-label={`Host ${index + 1}`}
          value={row.host}
          placeholder="api.example.com"
          onChange={(event) => onChange({ host: event.target.value })}
          aria-invalid={problems.host !== null}
          aria-describedby={problem ? problemId : undefined}
          autoComplete="off"
          spellCheck={false}
          maxLength={253}
          disabled={disabled}
        />
        <input
          className="mono allow-ports"
          data-testid={`${testPrefix}-ports-${index}`}
          aria-label={`Ports of host ${index + 1}`}
          value={row.ports}
          placeholder="any port"
          onChange={(event) => onChange({ ports: event.target.value })}
          aria-invalid={problems.ports !== null}
          aria-describedby={problem ? problemId : undefined}
          autoComplete="off"
          spellCheck={false}
          maxLength={120}
          disabled={disabled}
        />
        <DismissButton label={`Remove host ${index + 1}`} onClick={onRemove} disabled={disabled} />
      </div>
      {problem && (
        <div id={problemId} className="field-problem allow-row-problem" role="alert" data-testid={`${testPrefix}-row-problem-${index}`}>
          {problems.host && <p>{problems.host}</p>}
          {problems.ports && <p>{problems.ports}</p>}
        </div>
      )}
    </div>
  );
}
