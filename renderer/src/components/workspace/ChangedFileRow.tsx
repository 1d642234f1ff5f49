import { memo } from 'react';
import type { ChangedFile } from '../../../../shared/workspace.js';
import { STATUS_LETTER, STATUS_WORD, fileBadges, lineCounts } from '../../lib/changes-list.js';

/** "src/app/" and "main.ts": the folder muted, the name in full. */
export function PathText({ path }: { path: string }) {
  const slash = path.lastIndexOf('/');
  return (
    <span className="cf-path" title={path}>
      {slash >= 0 && <span className="cf-dir">{path.slice(0, slash + 1)}</span>}
      <span className="cf-name">{path.slice(slash + 1)}</span>
    </span>
  );
}

export function StatusLetter({ status }: { status: ChangedFile['status'] }) {
  return (
    <span className={`cf-status cf-status-${status}`} title={STATUS_WORD[status]} aria-label={STATUS_WORD[status]}>
      {STATUS_LETTER[status]}
    </span>
  );
}

/** Memoized: scrolling the list mounts the rows that come into view and leaves the others alone. */
export const ChangedFileRow = memo(function ChangedFileRow({ file }: { file: ChangedFile }) {
  const counts = lineCounts(file);
  return (
    <div className="cf-row" data-testid="changed-file" data-path={file.path} data-status={file.status}>
      <StatusLetter status={file.status} />
      {file.from ? (
        <span className="cf-rename">
          <span className="cf-from" title={file.from.path}>
            {file.from.path}
          </span>
          <span className="cf-arrow" aria-label="renamed to">
            →
          </span>
          <PathText path={file.path} />
        </span>
      ) : (
        <PathText path={file.path} />
      )}
      {fileBadges(file).map((badge) => (
        <span key={badge.key} className={`cf-badge cf-badge-${badge.key}`} title={badge.title}>
          {badge.label}
        </span>
      ))}
      {counts && (
        <span className="cf-counts">
          <span className="cf-add">{counts.added}</span> <span className="cf-del">{counts.deleted}</span>
        </span>
      )}
    </div>
  );
});
