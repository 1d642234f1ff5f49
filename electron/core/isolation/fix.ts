import type { IsolationProblem } from '../../../shared/types.js';
import type { Instance } from '../../incus/instances.js';
import { AGENT_NIC, policyOf } from '../network/policy-model.js';
import { isolationProblems, workspaceDeviceRepair } from './drift.js';
import { ENCLAVE_PROFILE } from './profile-spec.js';

type Devices = Record<string, Record<string, string>>;

/** Keys Enclave's profile owns: an instance's own value of any of them only overrides the profile's. */
const PROFILE_KEYS = ['security.privileged', 'security.nesting', 'security.idmap.isolated', 'security.guestapi', 'raw.seccomp'];
/** Keys no agent keeps. */
const FORBIDDEN_KEYS = ['raw.lxc', 'raw.apparmor', 'raw.idmap'];

export interface IsolationFix {
  /** The instance's new own config, devices and profiles (for a PUT of the whole instance). */
  config: Record<string, string>;
  devices: Devices;
  profiles: string[];
  /** The problems this fixes, for the notes and the activity log. */
  fixed: IsolationProblem[];
  /** Its eth0 is outside its policy: only re-applying the policy fixes it. */
  reapplyNic: boolean;
  /**
   * It restores a workspace device: Incus must not change that device on a running agent.
   * Measured on Incus 6.0.4: changing or removing a file disk nested in a host folder while the
   * container runs deletes the file it was mounted over, the user's own .git/config included.
   */
  restoresWorkspace: boolean;
}

/**
 * What one update of the instance must hold so that none of its problems is left: Enclave's
 * profile only, the instance's own overrides of the profile's keys and the forbidden keys
 * removed, and every offending device it holds itself removed (those of other profiles go
 * with the profiles). Its eth0 stays for the network policy to rewrite.
 */
export function isolationFix(inst: Pick<Instance, 'config' | 'expanded_config' | 'devices' | 'expanded_devices' | 'profiles'>): IsolationFix {
  const problems = isolationProblems(inst);
  const config = { ...inst.config };
  for (const key of [...PROFILE_KEYS, ...FORBIDDEN_KEYS]) delete config[key];
  for (const key of Object.keys(config)) if (key.startsWith('security.syscalls.intercept.')) delete config[key];

  const devices: Devices = { ...inst.devices };
  const { mode } = policyOf(inst);
  let reapplyNic = false;
  let restoresWorkspace = false;
  const expanded = inst.expanded_devices ?? inst.devices ?? {};
  for (const p of problems) {
    const current = p.kind === 'host-disk' ? expanded[p.item] : undefined;
    const repair = current ? workspaceDeviceRepair(inst, p.item, current) : null;
    if (repair) {
      devices[p.item] = repair;
      restoresWorkspace = true;
      continue;
    }
    if (p.kind === 'nic-outside-policy' && p.item === AGENT_NIC && mode !== 'none') {
      reapplyNic = true;
      continue;
    }
    if (p.kind === 'host-disk' || p.kind === 'device' || p.kind === 'nic-outside-policy') delete devices[p.item];
  }
  // A root disk that came from another profile stays where it is: pin it to the instance.
  const ownRoot = Object.values(devices).some((d) => d.type === 'disk' && d.path === '/');
  const onlyEnclave = inst.profiles?.length === 1 && inst.profiles[0] === ENCLAVE_PROFILE;
  if (!ownRoot && !onlyEnclave) {
    const root = Object.entries(inst.expanded_devices ?? {}).find(([, d]) => d.type === 'disk' && d.path === '/' && d.pool && !d.source);
    if (root) devices[root[0]] = { ...root[1] };
  }
  return { config, devices, profiles: [ENCLAVE_PROFILE], fixed: problems, reapplyNic, restoresWorkspace };
}

/** Human notes on what a fix did and what waits for a restart. */
export function fixNotes(fixed: IsolationProblem[], running: boolean, nic: 'reapplied' | 'unfixed' | 'none'): string[] {
  const notes: string[] = [];
  for (const p of fixed) {
    if (p.kind === 'nic-outside-policy' && p.item === AGENT_NIC && nic !== 'none') continue;
    notes.push(`${p.item} (${p.value}): ${p.fix}.`);
  }
  if (nic === 'reapplied') notes.push(`${AGENT_NIC}: its network policy was applied again.`);
  if (nic === 'unfixed') notes.push(`${AGENT_NIC} is still outside its policy: set its network policy to fix it.`);
  const later = fixed.filter((p) => p.needsRestart).map((p) => p.item);
  if (later.length && running) notes.push(`${later.join(', ')}: take${later.length === 1 ? 's' : ''} effect at the agent's next start.`);
  return notes;
}
