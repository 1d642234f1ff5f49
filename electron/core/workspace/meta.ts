import type { AgentWorkspace } from '../../../shared/workspace.js';

/** The user.enclave.* keys (without the prefix) that hold an agent's workspace. */
export const WORKSPACE_META = {
  mode: 'workspace.mode',
  source: 'workspace.source',
  kind: 'workspace.kind',
  base: 'workspace.base',
  branch: 'workspace.branch',
  readOnly: 'workspace.read-only',
  uid: 'workspace.uid',
  gid: 'workspace.gid',
} as const;

/** A uid or gid as the meta holds it: decimal, within what Linux gives; root (0) only where allowed. */
function id(value: string | undefined, zero: boolean): number | null {
  if (!value || !/^(0|[1-9][0-9]{0,9})$/.test(value) || (value === '0' && !zero)) return null;
  const n = Number(value);
  return n < 2 ** 32 - 1 ? n : null;
}

/** The meta keys for a workspace, as agents.create and workspace.attach write them. */
export function workspaceMeta(ws: AgentWorkspace): Record<string, string> {
  return {
    [WORKSPACE_META.mode]: ws.mode,
    [WORKSPACE_META.source]: ws.source,
    [WORKSPACE_META.kind]: ws.kind,
    [WORKSPACE_META.base]: ws.base ?? '',
    [WORKSPACE_META.branch]: ws.branch ?? '',
    [WORKSPACE_META.readOnly]: String(ws.readOnly),
    ...(ws.owner ? { [WORKSPACE_META.uid]: String(ws.owner.uid), [WORKSPACE_META.gid]: String(ws.owner.gid) } : {}),
  };
}

/** The workspace an agent's meta describes; null when it has none or the keys make no sense. */
export function workspaceFromMeta(meta: Record<string, string>): AgentWorkspace | null {
  const mode = meta[WORKSPACE_META.mode];
  const source = meta[WORKSPACE_META.source];
  if ((mode !== 'copy' && mode !== 'mount') || !source?.startsWith('/')) return null;
  const base = meta[WORKSPACE_META.base] ?? '';
  const branch = meta[WORKSPACE_META.branch] ?? '';
  const uid = id(meta[WORKSPACE_META.uid], false);
  const gid = id(meta[WORKSPACE_META.gid], true);
  return {
    mode,
    source,
    kind: meta[WORKSPACE_META.kind] === 'plain' ? 'plain' : 'git',
    base: /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(base) ? base : null,
    branch: branch || null,
    readOnly: meta[WORKSPACE_META.readOnly] === 'true',
    ...(mode === 'mount' ? { owner: uid !== null && gid !== null ? { uid, gid } : null } : {}),
  };
}
