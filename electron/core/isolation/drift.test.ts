import { describe, expect, it } from 'vitest';
import type { IsolationProblem } from '../../../shared/types.js';
import { NETWORK_KEYS } from '../network/policy-model.js';
import { isolationProblems, type DriftInput } from './drift.js';
import { fixNotes, isolationFix } from './fix.js';
import { choosePool, profileConfig, profileDrifted, profileSpec } from './profile-spec.js';
import { projectRestrictions, restrictionConflicts } from './restrictions.js';
import { agentSeccompPolicy } from './seccomp.js';

type Devices = Record<string, Record<string, string>>;

const ROOT = { type: 'disk', path: '/', pool: 'enclave' };
const FILTERED = { 'security.ipv4_filtering': 'true', 'security.mac_filtering': 'true', 'security.port_isolation': 'true' };
const eth0 = (network: string, extra: Record<string, string> = {}) => ({ type: 'nic', network, ...FILTERED, ...extra });

/** An agent as Enclave makes it: only its profile, Enclave's keys expanded into it. */
function agent(over: { config?: Record<string, string>; devices?: Devices; profiles?: string[]; expanded?: Record<string, string>; expandedDevices?: Devices } = {}): DriftInput {
  const config = { 'user.enclave.created-by': 'enclave', ...over.config };
  const devices = over.devices ?? {};
  return {
    config,
    devices,
    profiles: over.profiles ?? ['enclave'],
    expanded_config: { ...profileConfig(), ...config, ...over.expanded },
    expanded_devices: { root: ROOT, ...devices, ...over.expandedDevices },
  };
}

const kinds = (ps: IsolationProblem[]) => ps.map((p) => `${p.kind}:${p.item}`).sort();

describe('isolationProblems', () => {
  it('finds nothing on an agent as Enclave makes it', () => {
    expect(isolationProblems(agent())).toEqual([]);
    expect(isolationProblems(agent({ config: { [NETWORK_KEYS.mode]: 'none' } }))).toEqual([]);
  });

  it('reads the expanded config: a key from another profile counts', () => {
    const p = isolationProblems(agent({ profiles: ['enclave', 'extra'], expanded: { 'security.nesting': 'true' } }));
    expect(kinds(p)).toEqual(['nesting:security.nesting', 'profile:profiles']);
  });

  it('names a host-path disk and its source, from the instance or a profile', () => {
    const own = isolationProblems(agent({ devices: { hostdisk: { type: 'disk', source: '/home/me', path: '/mnt' } } }));
    expect(own).toEqual([{ kind: 'host-disk', item: 'hostdisk', value: '/home/me', fix: 'removes the host-path disk', needsRestart: false }]);
    const inherited = isolationProblems(agent({ expandedDevices: { data: { type: 'disk', source: '/srv', path: '/srv' } } }));
    expect(kinds(inherited)).toEqual(['host-disk:data']);
  });

  it('flags a pool volume other than the root as a device, but not the root', () => {
    const p = isolationProblems(agent({ devices: { vol: { type: 'disk', pool: 'enclave', source: 'shared', path: '/data' } } }));
    expect(kinds(p)).toEqual(['device:vol']);
    expect(p[0]!.value).toMatch(/enclave\/shared at \/data/);
  });

  it('flags privileged, nesting, raw.lxc, raw.apparmor, raw.idmap', () => {
    const p = isolationProblems(
      agent({
        config: {
          'security.privileged': 'true',
          'security.nesting': 'true',
          'raw.lxc': 'lxc.apparmor.profile=unconfined',
          'raw.apparmor': 'mount,',
          'raw.idmap': 'both 1000 1000',
        },
      }),
    );
    expect(kinds(p)).toEqual(['nesting:security.nesting', 'privileged:security.privileged', 'raw-idmap:raw.idmap', 'raw-lxc:raw.apparmor', 'raw-lxc:raw.lxc']);
    expect(p.find((x) => x.item === 'raw.lxc')?.value).toBe('lxc.apparmor.profile=unconfined');
    expect(p.every((x) => x.needsRestart)).toBe(true);
  });

  it('flags a shared id range and the guest API, also when the keys are missing', () => {
    const p = isolationProblems({ config: {}, devices: {}, profiles: ['enclave'], expanded_config: {}, expanded_devices: { root: ROOT } });
    expect(kinds(p)).toEqual(expect.arrayContaining(['guest-api:security.guestapi', 'idmap-shared:security.idmap.isolated']));
    expect(p.find((x) => x.kind === 'guest-api')?.value).toBe('');
    const off = isolationProblems(agent({ expanded: { 'security.idmap.isolated': 'false', 'security.guestapi': 'true' } }));
    expect(kinds(off)).toEqual(['guest-api:security.guestapi', 'idmap-shared:security.idmap.isolated']);
  });

  it("flags a seccomp policy other than Enclave's, and syscall interception", () => {
    const p = isolationProblems(agent({ config: { 'raw.seccomp': '2\nallowlist\n[all]\nioctl', 'security.syscalls.intercept.mknod': 'true' } }));
    expect(kinds(p)).toEqual(['seccomp:raw.seccomp', 'seccomp:security.syscalls.intercept.mknod']);
    expect(p[0]!.value).toBe('2 allowlist [all] ioctl');
    if (agentSeccompPolicy()) {
      const missing = agent();
      delete missing.expanded_config!['raw.seccomp'];
      expect(kinds(isolationProblems(missing))).toEqual(['seccomp:raw.seccomp']);
    }
  });

  it('flags char, block, gpu, usb, proxy, pci devices by name', () => {
    const devices: Devices = {
      tty: { type: 'unix-char', source: '/dev/ttyS0' },
      sda: { type: 'unix-block', source: '/dev/sda' },
      gpu0: { type: 'gpu' },
      stick: { type: 'usb', vendorid: '1234' },
      fwd: { type: 'proxy', listen: 'tcp:0.0.0.0:80', connect: 'tcp:127.0.0.1:80' },
      nvme: { type: 'pci', address: '0000:01:00.0' },
      masked: { type: 'none' },
    };
    const p = isolationProblems(agent({ devices }));
    expect(kinds(p)).toEqual(['device:fwd', 'device:gpu0', 'device:nvme', 'device:sda', 'device:stick', 'device:tty']);
    expect(p.find((x) => x.item === 'tty')?.value).toBe('unix-char /dev/ttyS0');
    expect(p.find((x) => x.item === 'fwd')?.value).toBe('proxy tcp:0.0.0.0:80');
  });

  it('accepts only eth0 on the policy bridge with all three filters', () => {
    const restricted = { [NETWORK_KEYS.mode]: 'restricted' };
    expect(isolationProblems(agent({ config: restricted, devices: { eth0: eth0('enclave-restr') } }))).toEqual([]);
    const wrongBridge = isolationProblems(agent({ config: restricted, devices: { eth0: eth0('enclave-open') } }));
    expect(wrongBridge).toEqual([
      { kind: 'nic-outside-policy', item: 'eth0', value: 'nic on enclave-open', fix: 're-applies its network policy (restricted) to eth0', needsRestart: false },
    ]);
    for (const key of Object.keys(FILTERED)) {
      const unfiltered = isolationProblems(agent({ config: restricted, devices: { eth0: eth0('enclave-restr', { [key]: 'false' }) } }));
      expect(kinds(unfiltered), key).toEqual(['nic-outside-policy:eth0']);
    }
    const stray = isolationProblems(agent({ config: restricted, devices: { eth0: eth0('enclave-restr'), eth1: eth0('enclave-restr') } }));
    expect(stray.map((x) => [x.item, x.fix])).toEqual([['eth1', 'removes the network interface']]);
    const allow = { [NETWORK_KEYS.mode]: 'allowlist' };
    expect(isolationProblems(agent({ config: allow, devices: { eth0: eth0('enclave-allow') } }))).toEqual([]);
    expect(kinds(isolationProblems(agent({ config: allow, devices: { eth0: eth0('enclave-restr') } })))).toEqual(['nic-outside-policy:eth0']);
  });

  it('in mode none, any NIC is outside the policy', () => {
    const p = isolationProblems(agent({ config: { [NETWORK_KEYS.mode]: 'none' }, devices: { eth0: eth0('enclave-open') } }));
    expect(p).toEqual([{ kind: 'nic-outside-policy', item: 'eth0', value: 'nic on enclave-open', fix: 'removes the network interface', needsRestart: false }]);
  });

  it('checks unmanaged instances too: a CLI instance on the default profile with a bridged NIC', () => {
    const cli: DriftInput = {
      config: {},
      devices: {},
      profiles: ['default'],
      expanded_config: {},
      expanded_devices: { root: ROOT, eth0: { type: 'nic', nictype: 'bridged', parent: 'incusbr0' } },
    };
    // No Enclave keys and a NIC: its policy reads as open, and its NIC is not on enclave-open.
    expect(kinds(isolationProblems(cli))).toEqual([
      'guest-api:security.guestapi',
      'idmap-shared:security.idmap.isolated',
      'nic-outside-policy:eth0',
      'profile:profiles',
      ...(agentSeccompPolicy() ? ['seccomp:raw.seccomp'] : []),
    ].sort());
  });

  it('flags profiles other than exactly enclave', () => {
    expect(isolationProblems(agent({ profiles: [] }))[0]).toMatchObject({ kind: 'profile', value: '' });
    expect(isolationProblems(agent({ profiles: ['default', 'enclave'] }))[0]).toMatchObject({ kind: 'profile', value: 'default, enclave' });
  });

  it('bounds what it quotes', () => {
    const p = isolationProblems(agent({ config: { 'raw.lxc': 'x'.repeat(5000) } }));
    expect(p[0]!.value.length).toBeLessThanOrEqual(120);
  });
});

describe('isolationFix', () => {
  it('leaves only Enclave’s profile, removes own overrides, forbidden keys and offending devices', () => {
    const inst = agent({
      profiles: ['default'],
      config: { 'security.nesting': 'true', 'raw.lxc': 'x', 'raw.idmap': 'both 0 0', 'limits.memory': '1GiB', 'security.syscalls.intercept.mount': 'true' },
      devices: {
        hostdisk: { type: 'disk', source: '/home', path: '/mnt' },
        tty: { type: 'unix-char', source: '/dev/tty' },
      },
      expandedDevices: { fromprofile: { type: 'disk', source: '/srv', path: '/srv' } },
    });
    const fix = isolationFix(inst);
    expect(fix.profiles).toEqual(['enclave']);
    expect(fix.config).toEqual({ 'user.enclave.created-by': 'enclave', 'limits.memory': '1GiB' });
    // The root came from the default profile: pinned, so the agent stays on its pool.
    expect(fix.devices).toEqual({ root: ROOT });
    expect(fix.reapplyNic).toBe(false);
    // After the fix, with Enclave's profile expanded, nothing is left.
    const after = { config: fix.config, devices: fix.devices, profiles: fix.profiles, expanded_config: { ...profileConfig(), ...fix.config }, expanded_devices: { root: ROOT, ...fix.devices } };
    expect(isolationProblems(after)).toEqual([]);
  });

  it('keeps its own root with its size, and leaves eth0 to the network policy', () => {
    const fix = isolationFix(
      agent({
        config: { [NETWORK_KEYS.mode]: 'restricted' },
        devices: { root: { ...ROOT, size: '2GiB' }, eth0: eth0('enclave-open'), eth1: eth0('enclave-open') },
      }),
    );
    expect(fix.devices).toEqual({ root: { ...ROOT, size: '2GiB' }, eth0: eth0('enclave-open') });
    expect(fix.reapplyNic).toBe(true);
  });

  it('removes eth0 in mode none', () => {
    const fix = isolationFix(agent({ config: { [NETWORK_KEYS.mode]: 'none' }, devices: { eth0: eth0('enclave-open') } }));
    expect(fix.devices).toEqual({});
    expect(fix.reapplyNic).toBe(false);
  });

  it('notes what was removed and what waits for a restart', () => {
    const fix = isolationFix(agent({ config: { 'security.nesting': 'true' }, devices: { hostdisk: { type: 'disk', source: '/home', path: '/mnt' } } }));
    const notes = fixNotes(fix.fixed, true, 'none');
    expect(notes).toContain('hostdisk (/home): removes the host-path disk.');
    expect(notes.join(' ')).toMatch(/security\.nesting: takes effect at the agent's next start/);
    expect(fixNotes(fix.fixed, false, 'none').join(' ')).not.toMatch(/next start/);
    expect(fixNotes([], false, 'unfixed').join(' ')).toMatch(/set its network policy/);
  });
});

describe("Enclave's profile", () => {
  it('holds the security keys and a root disk, no NIC, no raw.lxc', () => {
    const spec = profileSpec('enclave');
    expect(spec.config).toMatchObject({
      'security.privileged': 'false',
      'security.idmap.isolated': 'true',
      'security.nesting': 'false',
      'security.guestapi': 'false',
    });
    expect('raw.lxc' in spec.config).toBe(false);
    expect('raw.seccomp' in spec.config).toBe(agentSeccompPolicy() !== '');
    expect(spec.devices).toEqual({ root: ROOT });
  });

  it('drifts on any extra, missing or changed key or device', () => {
    const spec = profileSpec('enclave');
    expect(profileDrifted({ config: { ...spec.config }, devices: { root: { ...ROOT } } }, spec)).toBe(false);
    expect(profileDrifted({ config: { ...spec.config, 'security.nesting': 'true' }, devices: { root: ROOT } }, spec)).toBe(true);
    expect(profileDrifted({ config: { ...spec.config, 'limits.cpu': '1' }, devices: { root: ROOT } }, spec)).toBe(true);
    expect(profileDrifted({ config: {}, devices: { root: ROOT } }, spec)).toBe(true);
    expect(profileDrifted({ config: spec.config, devices: { root: ROOT, eth0: eth0('x') } }, spec)).toBe(true);
    expect(profileDrifted({ config: spec.config, devices: { root: { ...ROOT, size: '1GiB' } } }, spec)).toBe(true);
  });

  it('chooses its pool: kept while it exists, else the default profile’s, else btrfs, else the first', () => {
    const pools = [
      { name: 'a', driver: 'dir' },
      { name: 'b', driver: 'btrfs' },
      { name: 'c', driver: 'zfs' },
    ];
    expect(choosePool(pools, 'c', 'a')).toBe('c');
    expect(choosePool(pools, 'gone', 'a')).toBe('a');
    expect(choosePool(pools, null, null)).toBe('b');
    expect(choosePool([{ name: 'z', driver: 'dir' }], null, 'gone')).toBe('z');
    expect(choosePool([], null, null)).toBeNull();
  });
});

describe('project restrictions', () => {
  it('keeps what Enclave needs allowed', () => {
    const r = projectRestrictions(['enclave-restr', 'enclave-allow', 'enclave-open']);
    expect(r).toMatchObject({
      restricted: 'true',
      'restricted.containers.lowlevel': 'allow',
      'restricted.snapshots': 'allow',
      'restricted.devices.disk': 'managed',
      'restricted.devices.nic': 'managed',
      'restricted.containers.privilege': 'isolated',
      'restricted.networks.access': 'enclave-restr,enclave-allow,enclave-open',
    });
  });

  it('lists what would keep Incus from holding the project to them', () => {
    const nets = ['enclave-open'];
    const ok = { name: 'ok', config: {}, devices: {}, expanded_config: { 'security.idmap.isolated': 'true' }, expanded_devices: { root: ROOT, eth0: eth0('enclave-open') } };
    const bad = {
      name: 'bad',
      config: {},
      devices: {},
      expanded_config: { 'security.nesting': 'true', 'raw.lxc': 'allowed: lowlevel is allowed' },
      expanded_devices: { root: ROOT, hd: { type: 'disk', source: '/home', path: '/mnt' }, e1: { type: 'nic', nictype: 'bridged', parent: 'br0' }, e2: eth0('lxdbr0'), px: { type: 'proxy' } },
    };
    const out = restrictionConflicts([ok, bad], [{ name: 'default', config: { 'security.privileged': 'true' }, devices: { root: ROOT } }], nets);
    expect(out).toEqual([
      'agent "bad" has nesting on (security.nesting)',
      'agent "bad" has a host-path disk "hd" (/home)',
      'agent "bad" has a NIC "e1" on no managed network',
      'agent "bad" has a NIC "e2" on network lxdbr0, not one of Enclave\'s',
      'agent "bad" has a proxy device "px"',
      'profile "default" is privileged (security.privileged)',
    ]);
    expect(restrictionConflicts([ok], [], nets)).toEqual([]);
  });
});

describe('isolationProblems order', () => {
  it('lists the worst first: a host folder before the weaker defaults a CLI instance has', () => {
    const kinds = isolationProblems({
      config: {},
      devices: { hostdisk: { type: 'disk', source: '/srv', path: '/mnt' }, root: { type: 'disk', path: '/', pool: 'p' } },
      profiles: ['default'],
    }).map((p) => p.kind);
    expect(kinds[0]).toBe('host-disk');
    expect(kinds.at(-1)).toBe('profile');
  });
});
