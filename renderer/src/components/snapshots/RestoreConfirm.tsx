import type { Agent } from '../../../../shared/types.js';
import { openTerminalCount, restoreNotice } from '../../lib/snapshot-format.js';
import { useSettings } from '../../stores/settings.js';
import { useTerminals } from '../../stores/terminals.js';
import { ConfirmDialog } from '../ConfirmDialog.js';

interface RestoreConfirmProps {
  title: string;
  agent: Agent;
  snapshot: string;
  onConfirm(): void;
  onCancel(): void;
}

/** Asks before a restore, saying first what it costs the agent as it is now (restoreNotice). */
export function RestoreConfirm({ title, agent, snapshot, onConfirm, onCancel }: RestoreConfirmProps) {
  const safetyExpiry = useSettings((state) => state.settings?.safetyExpiry ?? null);
  const openTerminals = useTerminals((state) => openTerminalCount(state.terminals, agent.name));
  const notice = restoreNotice({ agent: agent.name, snapshot, safetyExpiry, status: agent.status, openTerminals, workspace: agent.workspace });
  return (
    <ConfirmDialog
      title={title}
      lead={notice.lead}
      message={notice.detail}
      confirmLabel="Restore"
      tone="primary"
      onCancel={onCancel}
      onConfirm={onConfirm}
    />
  );
}
