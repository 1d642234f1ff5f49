import { memberTone } from '../../lib/cluster-format.js';

const TONE_CLASS = { online: 'status-running', evacuated: 'status-transitional', offline: 'status-error', other: 'status-stopped' } as const;

/** A cluster member's status in Incus's words: Online, Evacuated, Offline, Blocked. */
export function MemberStatusBadge({ status }: { status: string }) {
  const tone = memberTone(status);
  return (
    <span className={`status ${TONE_CLASS[tone]}`} data-testid="member-status" data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {status}
    </span>
  );
}
