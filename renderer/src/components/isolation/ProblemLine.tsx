import type { IsolationProblem } from '../../../../shared/types.js';
import { PROBLEM_TITLES, shownValue } from '../../lib/isolation-format.js';

/** "Host folder mounted: hostdisk (/srv/data)": Enclave's title, then Incus's item and value as quoted data. */
export function ProblemLine({ problem }: { problem: IsolationProblem }) {
  const value = shownValue(problem);
  return (
    <span className="problem-line" data-kind={problem.kind}>
      <span className="problem-title">{PROBLEM_TITLES[problem.kind]}:</span>{' '}
      <code className="quoted" data-testid="problem-item">
        {problem.item}
      </code>
      {value === '' && <span className="problem-value-wrap"> (not set)</span>}
      {value !== null && value !== '' && (
        <>
          {' '}
          <span className="problem-value-wrap">
            (
            <code className="quoted quoted-value" data-testid="problem-value" title={problem.value}>
              {value}
            </code>
            )
          </span>
        </>
      )}
    </span>
  );
}
