import type { Instance } from '../../incus/instances.js';
import { isOwnWorkspaceDevice, mountedWorkspace, quote } from './drift.js';

type Devices = Record<string, Record<string, string>>;

/**
 * The `restricted.*` keys Enclave sets on its project, so that requests that do not come from
 * Enclave (the incus CLI, another client) cannot give an agent what its profile keeps out.
 * Checked on Incus 6.0.4. Deliberately allowed, because Enclave needs them:
 * - containers.lowlevel=allow: Enclave's seccomp policy is `raw.seccomp`, a low-level key;
 *   "block" would refuse it (and with it raw.lxc, raw.idmap, raw.apparmor). Enclave's drift
 *   check flags those on every agent instead.
 * - snapshots=allow: Enclave snapshots, clones from and restores snapshots.
 * Incus has no restriction for the guest API (security.guestapi): the drift check flags it.
 * - devices.disk=allow while an agent mounts a host folder (`hostDisks`), managed otherwise:
 *   "managed" refuses every host path, and restricted.devices.disk.paths cannot hold the
 *   workspaces, since Incus 6.0.4 refuses `shift` on any disk under a restricted source path.
 *   "allow" admits any host path: the drift check flags every one that is not Enclave's own.
 */
export function projectRestrictions(networks: readonly string[], hostDisks = false): Record<string, string> {
  return {
    restricted: 'true',
    'restricted.containers.nesting': 'block',
    'restricted.containers.privilege': 'isolated',
    'restricted.containers.lowlevel': 'allow',
    'restricted.containers.interception': 'block',
    'restricted.devices.disk': hostDisks ? 'allow' : 'managed',
    'restricted.devices.nic': 'managed',
    'restricted.networks.access': networks.join(','),
    'restricted.devices.unix-char': 'block',
    'restricted.devices.unix-block': 'block',
    'restricted.devices.unix-hotplug': 'block',
    'restricted.devices.infiniband': 'block',
    'restricted.devices.gpu': 'block',
    'restricted.devices.usb': 'block',
    'restricted.devices.pci': 'block',
    'restricted.devices.proxy': 'block',
    'restricted.snapshots': 'allow',
    // Enclave makes no backups (exports); a tarball of an agent leaves the pool's accounting.
    'restricted.backups': 'block',
  };
}

const BLOCKED_DEVICE_TYPES = new Set(['unix-char', 'unix-block', 'unix-hotplug', 'infiniband', 'gpu', 'usb', 'pci', 'proxy']);

/** The interception keys restricted.containers.interception=block refuses (as in Incus). */
const INTERCEPT_KEYS = new Set([
  'security.syscalls.intercept.bpf',
  'security.syscalls.intercept.bpf.devices',
  'security.syscalls.intercept.mknod',
  'security.syscalls.intercept.mount',
  'security.syscalls.intercept.mount.fuse',
  'security.syscalls.intercept.setxattr',
  'security.syscalls.intercept.sysinfo',
]);

const TRUE = new Set(['true', '1', 'yes', 'on']);
const isTrue = (v: string) => TRUE.has(v.toLowerCase());

function configConflicts(config: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'security.nesting' && isTrue(value)) out.push('has nesting on (security.nesting)');
    if (key === 'security.privileged' && isTrue(value)) out.push('is privileged (security.privileged)');
    if (key === 'security.idmap.isolated' && !isTrue(value)) out.push('shares its id range (security.idmap.isolated is not true)');
    if (INTERCEPT_KEYS.has(key) && isTrue(value)) out.push(`intercepts system calls (${key})`);
  }
  return out;
}

/** Whether any agent mounts a host folder (then the project must allow host-path disks). */
export function mountsHostFolders(instances: readonly Pick<Instance, 'config' | 'expanded_config'>[]): boolean {
  return instances.some((inst) => mountedWorkspace(inst) !== null);
}

function deviceConflicts(devices: Devices, networks: readonly string[], inst?: Pick<Instance, 'config' | 'expanded_config'>): string[] {
  const out: string[] = [];
  for (const [name, d] of Object.entries(devices)) {
    if (inst && isOwnWorkspaceDevice(inst, name, d)) continue;
    if (BLOCKED_DEVICE_TYPES.has(d.type ?? '')) out.push(`has a ${d.type} device "${name}"`);
    else if (d.type === 'nic' && !d.network) out.push(`has a NIC "${name}" on no managed network`);
    else if (d.type === 'nic' && !networks.includes(d.network!)) out.push(`has a NIC "${name}" on network ${d.network}, not one of Enclave's`);
    else if (d.type === 'disk' && !(d.path === '/' && d.pool) && !d.pool) out.push(`has a host-path disk "${name}" (${quote(d.source ?? '', 80)})`);
  }
  return out;
}

/**
 * What keeps Incus from holding the project to its restrictions: once restricted, every
 * update and create in the project is refused while one instance or profile breaks a
 * restriction, so Enclave restricts only when this is empty. Mirrors Incus's checks: the
 * instances' expanded config and devices, the profiles' own.
 */
export function restrictionConflicts(
  instances: Pick<Instance, 'name' | 'config' | 'expanded_config' | 'devices' | 'expanded_devices'>[],
  profiles: { name: string; config?: Record<string, string>; devices?: Devices }[],
  networks: readonly string[],
): string[] {
  const out: string[] = [];
  for (const inst of instances) {
    const found = [
      ...configConflicts(inst.expanded_config ?? inst.config ?? {}),
      ...deviceConflicts(inst.expanded_devices ?? inst.devices ?? {}, networks, inst),
    ];
    for (const f of found) out.push(`agent "${inst.name}" ${f}`);
  }
  for (const p of profiles) {
    for (const f of [...configConflicts(p.config ?? {}), ...deviceConflicts(p.devices ?? {}, networks)]) out.push(`profile "${p.name}" ${f}`);
  }
  return out;
}
