import type { IsolationProblem } from '../../../shared/types.js';
import type { Instance } from '../../incus/instances.js';
import { AGENT_NIC, MODE_BRIDGES, policyOf } from '../network/policy-model.js';
import { workspaceFromMeta } from '../workspace/meta.js';
import { expectedWorkspaceDevice, sameDisk } from '../workspace/mount-devices.js';
import { ENCLAVE_PROFILE } from './profile-spec.js';
import { agentSeccompPolicy } from './seccomp.js';

type Devices = Record<string, Record<string, string>>;
export type DriftInput = Pick<Instance, 'config' | 'expanded_config' | 'devices' | 'expanded_devices' | 'profiles'>;
type ConfigInput = Pick<Instance, 'config' | 'expanded_config'>;

/** As agent-model's META_PREFIX (which imports this module). */
const META_PREFIX = 'user.enclave.';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const isTrue = (v: string | undefined) => v !== undefined && TRUE.has(v.toLowerCase());

/** Disk sources that are not host paths (VM config drives Incus makes itself). */
const SPECIAL_DISK_SOURCES = new Set(['cloud-init:config', 'agent:config']);

/** The NIC keys that keep an agent from reaching or spoofing its neighbours on a bridge. */
export const NIC_FILTERS = ['security.ipv4_filtering', 'security.mac_filtering', 'security.port_isolation'] as const;

/** How a value is quoted for the user: bounded, on one line. */
export function quote(value: string, max = 120): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The root disk: a disk at "/" on a pool, without a host source. */
export function isRootDisk(d: Record<string, string>): boolean {
  return d.type === 'disk' && d.path === '/' && !!d.pool && !d.source;
}

/** A disk whose source is a path of the host (not a pool volume). */
export function isHostDisk(d: Record<string, string>): boolean {
  return d.type === 'disk' && !d.pool && !!d.source && !SPECIAL_DISK_SOURCES.has(d.source);
}

/** Whether a NIC is the one the agent's policy gives it (on its mode's bridge, filtered). */
export function nicWithinPolicy(inst: DriftInput, name: string, nic: Record<string, string>): boolean {
  const { mode } = policyOf(inst);
  if (mode === 'none' || name !== AGENT_NIC) return false;
  const bridge = MODE_BRIDGES[mode];
  const onBridge = nic.network === bridge || (!nic.network && nic.nictype === 'bridged' && nic.parent === bridge);
  return onBridge && NIC_FILTERS.every((k) => isTrue(nic[k]));
}

function configProblems(config: Record<string, string>): IsolationProblem[] {
  const out: IsolationProblem[] = [];
  const add = (kind: IsolationProblem['kind'], item: string, fix: string, needsRestart = true) =>
    out.push({ kind, item, value: quote(config[item] ?? ''), fix, needsRestart });
  if (isTrue(config['security.privileged'])) add('privileged', 'security.privileged', 'makes it unprivileged again');
  if (isTrue(config['security.nesting'])) add('nesting', 'security.nesting', 'turns nesting off');
  if (config['raw.lxc']) add('raw-lxc', 'raw.lxc', 'removes the raw LXC configuration');
  if (config['raw.apparmor']) add('raw-lxc', 'raw.apparmor', 'removes the raw AppArmor rules');
  if (config['raw.idmap']) add('raw-idmap', 'raw.idmap', 'removes the raw id mapping');
  if (!isTrue(config['security.idmap.isolated'])) {
    add('idmap-shared', 'security.idmap.isolated', 'gives it a uid/gid range of its own (security.idmap.isolated=true)');
  }
  // Incus serves the guest API unless told not to.
  if (config['security.guestapi'] === undefined || isTrue(config['security.guestapi'])) {
    add('guest-api', 'security.guestapi', 'turns the guest API (/dev/incus) off');
  }
  const seccomp = (config['raw.seccomp'] ?? '').trim();
  if (seccomp !== agentSeccompPolicy().trim()) {
    out.push({
      kind: 'seccomp',
      item: 'raw.seccomp',
      value: seccomp ? quote(seccomp) : '',
      fix: "restores Enclave's seccomp policy",
      needsRestart: true,
    });
  }
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith('security.syscalls.intercept.') && isTrue(value)) {
      add('seccomp', key, 'turns this system call interception off');
    }
  }
  return out;
}

/** The agent's mounted folder (user.enclave.workspace.*), or null when it mounts none. */
export function mountedWorkspace(inst: ConfigInput): { source: string; readOnly: boolean } | null {
  const config = inst.expanded_config ?? inst.config ?? {};
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (key.startsWith(META_PREFIX)) meta[key.slice(META_PREFIX.length)] = value;
  const ws = workspaceFromMeta(meta);
  return ws?.mode === 'mount' ? { source: ws.source, readOnly: ws.readOnly } : null;
}

/**
 * What one of Enclave's workspace devices should be when it is no longer that (its read-only
 * removed, its source or path changed, a key added); null when it is as Enclave made it, or
 * is no workspace device of this agent's.
 */
export function workspaceDeviceRepair(inst: ConfigInput, name: string, d: Record<string, string>): Record<string, string> | null {
  const ws = mountedWorkspace(inst);
  if (!ws || d.type !== 'disk') return null;
  const expected = expectedWorkspaceDevice(name, d, ws);
  if (!expected || sameDisk(d, expected)) return null;
  return expected;
}

/** Whether a device is one of the agent's workspace devices exactly as Enclave made it. */
export function isOwnWorkspaceDevice(inst: ConfigInput, name: string, d: Record<string, string>): boolean {
  const ws = mountedWorkspace(inst);
  if (!ws || d.type !== 'disk') return false;
  const expected = expectedWorkspaceDevice(name, d, ws);
  return !!expected && sameDisk(d, expected);
}

function deviceProblems(inst: DriftInput, devices: Devices): IsolationProblem[] {
  const out: IsolationProblem[] = [];
  for (const [name, d] of Object.entries(devices)) {
    if (d.type === 'none' || isRootDisk(d) || isOwnWorkspaceDevice(inst, name, d)) continue;
    const repair = workspaceDeviceRepair(inst, name, d);
    if (repair) {
      const ro = (v: string | undefined) => (v && TRUE.has(v.toLowerCase()) ? 'read-only' : 'writable');
      out.push({
        kind: 'host-disk',
        item: name,
        value: quote(`${d.source ?? ''} at ${d.path ?? '?'}, ${ro(d.readonly)}`),
        fix: `restores the workspace mount as Enclave made it (${repair.source} at ${repair.path}, ${ro(repair.readonly)})`,
        needsRestart: false,
      });
      continue;
    }
    if (d.type === 'nic') {
      if (nicWithinPolicy(inst, name, d)) continue;
      const where = d.network || d.parent || d.nictype || 'no network';
      const { mode } = policyOf(inst);
      const reapply = name === AGENT_NIC && mode !== 'none';
      out.push({
        kind: 'nic-outside-policy',
        item: name,
        value: quote(`${d.nictype || 'nic'} on ${where}`),
        fix: reapply ? `re-applies its network policy (${mode}) to ${name}` : 'removes the network interface',
        needsRestart: false,
      });
    } else if (isHostDisk(d)) {
      out.push({ kind: 'host-disk', item: name, value: quote(d.source ?? ''), fix: 'removes the host-path disk', needsRestart: false });
    } else {
      const what = d.type === 'disk' ? `disk ${d.pool ?? ''}/${d.source ?? ''} at ${d.path ?? '?'}` : `${d.type ?? 'unknown'} ${d.source || d.path || d.listen || ''}`;
      out.push({ kind: 'device', item: name, value: quote(what), fix: 'removes the device', needsRestart: false });
    }
  }
  return out;
}

/**
 * Worst first, so a card that shows the first few shows what matters: a way onto the host
 * before a weaker default.
 */
const SEVERITY: readonly IsolationProblem['kind'][] = [
  'host-disk',
  'privileged',
  'raw-lxc',
  'nesting',
  'device',
  'raw-idmap',
  'nic-outside-policy',
  'seccomp',
  'idmap-shared',
  'guest-api',
  'profile',
];

/** What in an instance's expanded config and devices breaks Enclave's isolation, worst first. */
export function isolationProblems(inst: DriftInput): IsolationProblem[] {
  return unordered(inst).sort((a, b) => SEVERITY.indexOf(a.kind) - SEVERITY.indexOf(b.kind));
}

function unordered(inst: DriftInput): IsolationProblem[] {
  const config = inst.expanded_config ?? inst.config ?? {};
  const devices = inst.expanded_devices ?? inst.devices ?? {};
  const out = [...configProblems(config), ...deviceProblems(inst, devices)];
  const profiles = inst.profiles ?? [];
  if (profiles.length !== 1 || profiles[0] !== ENCLAVE_PROFILE) {
    out.push({
      kind: 'profile',
      item: 'profiles',
      value: quote(profiles.join(', ')),
      fix: `uses only Enclave's profile "${ENCLAVE_PROFILE}"`,
      needsRestart: false,
    });
  }
  return out;
}
