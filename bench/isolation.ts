/**
 * Isolation benchmark: does a runaway agent hurt its neighbour or the host?
 *
 *   npm run bench:isolation -- [--image ALIAS] [--before S] [--phases network-flood,forkbomb,memory,disk,disk-escape]
 *
 * Agents A (limits: 200 processes, 256MiB memory, 1 cpu, 2GiB disk, set through
 * agents.setLimits) and B, in one throwaway project, with a Backend in this process. B answers
 * `true` exec round trips continuously and the host runs `true` continuously; their latencies
 * are compared before (S seconds, default 10) and during each attack run inside A:
 * a fork bomb, a memory hog (tmpfs, against the memory limit) and a disk fill (against the
 * quota). A is force-stopped and started again after each. If the guard pushes `guard.alert`
 * events, how fast it flagged A is printed. Finally A is frozen, force-stopped and restored to
 * the snapshot taken before the attacks, timed.
 * --phases runs only the attacks named (default: all of them, in that order).
 * Lines `bench isolation-<attack>: ratio <during/before p99 of B's exec>` (goal ≤ 2).
 *
 * disk-escape is not a load: a third agent, made by agents.create (so it has Enclave's
 * seccomp policy) with a 1GiB disk, runs a static C program trying the four btrfs subvolume
 * and snapshot ioctls (plain, with the request's upper 32 bits set, and through the i386
 * compat syscall), then writes 1500 MiB into /root. Line `bench isolation-disk-escape:
 * refused N/M, write stopped at X MiB of Y, pool grew Z MiB` (goal: all refused, X < Y, Z ≤ Y).
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { RequestName, ResultOf } from '../shared/api.js';
import type { GuardAlert } from '../shared/types.js';
import { Backend } from '../electron/core/backend.js';
import { execCommand } from '../electron/incus/exec.js';
import { dispatch } from '../electron/transport/dispatch.js';
import { containerSubvolume, rescanQuotas } from '../electron/test-support/btrfs-quota.js';
import { EPERM, buildEscapeProgram, nestedSubvolumes, parseEscapeOutput, poolUsedBytes } from '../electron/test-support/btrfs-escape.js';
import { sleep } from './fleet.js';
import { incus, median, percentile, throwawayProject, wholeNumber } from './support.js';

interface Options {
  image: string;
  before: number;
  /** Keys of the attacks to run; all of them by default. */
  phases: string[] | null;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { image: 'enclave-agent', before: 10, phases: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--image') opts.image = value();
    else if (arg === '--before') opts.before = wholeNumber(arg, value());
    else if (arg === '--phases') {
      const phases = value().split(',').filter(Boolean);
      const unknown = phases.filter((p) => !ATTACKS.some((a) => a.key === p));
      if (!phases.length || unknown.length) throw new Error(`--phases takes a list of ${ATTACKS.map((a) => a.key).join(', ')}`);
      opts.phases = phases;
    } else throw new Error(`unknown argument ${arg} (use --image ALIAS, --before S, --phases LIST)`);
  }
  return opts;
}

const A = 'agent-a';
const B = 'agent-b';

interface Attack {
  key: string;
  label: string;
  command: string[];
  /** Not a load under which B is measured, but a check of its own that prints its line. */
  check?: true;
  /** Sets the phase up; its command replaces `command`, its cleanup runs after the phase. */
  prepare?: (env: PhaseEnv) => Promise<{ command: string[]; cleanup: () => Promise<void>; report?: () => Promise<string> }>;
}

interface PhaseEnv {
  project: string;
  image: string;
  setOpen: (agent: string) => Promise<string>;
}

/**
 * network-flood: A (open mode) floods a sibling container on the phase's own no-NAT bridge
 * (a subnet colliding with nothing) with busybox nc from /dev/zero for 10 s.
 */
async function prepareNetworkFlood(env: PhaseEnv): Promise<{ command: string[]; cleanup: () => Promise<void>; report?: () => Promise<string> }> {
  const { candidateSubnets, freeSubnet, localAddresses, localRoutes } = await import('../electron/core/network/subnets.js');
  const nets = JSON.parse(await incus(['network', 'list', '--format', 'json'])) as { config?: Record<string, string> }[];
  const subnet = freeSubnet([...(await localRoutes()), ...localAddresses().v4, ...nets.map((n) => n.config?.['ipv4.address'] ?? '')], candidateSubnets(221, 240));
  if (!subnet) throw new Error('no free subnet for the flood bridge');
  const base = subnet.replace(/\.0\/24$/, '');
  const net = `i8b-${Math.random().toString(16).slice(2, 8)}`;
  const sink = 'flood-sink';
  // The sink lives in a project of its own: Enclave restricts its project's NICs to its bridges.
  const sinkProject = `${env.project}-sink`;
  await incus(['project', 'create', sinkProject, '-c', 'features.images=false', '-c', 'features.profiles=false']);
  await incus(['network', 'create', net, `ipv4.address=${base}.1/24`, 'ipv4.nat=false', 'ipv6.address=none']);
  await incus(['launch', env.image, sink, '--project', sinkProject, '-n', net]);
  await incus(['config', 'device', 'set', sink, 'eth0', `ipv4.address=${base}.10`, '--project', sinkProject]);
  await incus(['restart', '--force', sink, '--project', sinkProject]);
  await sleep(4000);
  // The listener's stdin never ends (a FIFO held open by a writer that writes nothing): busybox
  // nc closes the connection once its stdin ends, which with /dev/null cut each flood at once.
  await incus(['exec', sink, '--project', sinkProject, '--', 'sh', '-c',
    "mkfifo /tmp/hold && setsid sh -c 'sleep infinity > /tmp/hold' </dev/null >/dev/null 2>&1 & sleep 0.2; setsid sh -c 'while :; do busybox nc -l -p 5001 </tmp/hold >/dev/null; done' </dev/null >/dev/null 2>&1 &"]);
  // The sink's received bytes (its NIC's counter), so the phase shows the flood really moved data.
  const received = async () => Number((await incus(['exec', sink, '--project', sinkProject, '--', 'cat', '/sys/class/net/eth0/statistics/rx_bytes'])).trim());
  const receivedBefore = await received();
  await env.setOpen(A);
  await sleep(4000);
  return {
    // A loop: a connection cut early (a lease not there yet) is opened again until 10 s are up.
    command: ['sh', '-c', `end=$(($(date +%s) + 10)); while [ $(date +%s) -lt $end ]; do timeout 10 sh -c 'cat /dev/zero | busybox nc ${base}.10 5001' 2>/dev/null; sleep 0.2; done; true`],
    report: async () => {
      const bytes = (await received()) - receivedBefore;
      return `flood moved ${(bytes / 2 ** 20).toFixed(0)} MiB to the sink (${(bytes / 2 ** 20 / 10).toFixed(0)} MiB/s)`;
    },
    cleanup: async () => {
      await incus(['delete', '-f', sink, '--project', sinkProject]).catch(() => '');
      await incus(['project', 'delete', sinkProject]).catch(() => '');
      await incus(['network', 'delete', net]).catch(() => '');
    },
  };
}

const ATTACKS: Attack[] = [
  { key: 'network-flood', label: 'network flood (nc from /dev/zero to a sibling container)', command: [], prepare: prepareNetworkFlood },
  {
    key: 'forkbomb',
    label: 'fork bomb',
    // bash, not sh: dash exits at the first failed fork (about 1 s in, against the 200-process
    // limit); bash reports it and keeps forking, so the pressure lasts the whole 10 s.
    // The sleeps' output goes to /dev/null: a background child holding the exec's stdout
    // would keep the exec (and this benchmark) waiting until it exits.
    command: ['timeout', '10', 'bash', '-c', 'while :; do sleep 60 </dev/null >/dev/null 2>&1 & done 2>/dev/null'],
  },
  {
    key: 'memory',
    label: 'memory hog (400 MiB into /dev/shm)',
    // Images without /dev/shm (the agent image mounts one since v2) get a tmpfs there first.
    command: [
      'timeout', '10', 'sh', '-c',
      'mkdir -p /dev/shm && (mountpoint -q /dev/shm || mount -t tmpfs tmpfs /dev/shm) && dd if=/dev/zero of=/dev/shm/x bs=1M count=400',
    ],
  },
  {
    key: 'disk',
    label: 'disk fill (into /root up to the 2 GiB quota, held 2 s, emptied and filled again for 15 s)',
    command: [
      'timeout', '15', 'sh', '-c',
      'while :; do dd if=/dev/zero of=/root/fill bs=1M count=3000 2>/dev/null; sleep 2; rm -f /root/fill; done',
    ],
  },
  {
    key: 'disk-escape',
    label: 'disk-limit escape (btrfs subvolume/snapshot ioctls, then a write past the quota)',
    command: [],
    check: true,
  },
];

const ESC = 'agent-esc';
const MiB = 2 ** 20;

/** The disk-escape check: what was refused, where the write stopped, how much the pool grew. */
async function diskEscape(
  call: <M extends RequestName>(method: M, args: unknown) => Promise<ResultOf<M>>,
  project: string,
  image: string,
): Promise<string> {
  await call('agents.create', { name: ESC, image });
  await call('agents.setLimits', { agent: ESC, limits: { disk: '1GiB' } });
  const inside = (...cmd: string[]) => incus(['exec', ESC, '--project', project, '--', ...cmd]);
  const program = await buildEscapeProgram();
  try {
    await incus(['file', 'push', program.binary, `${ESC}/root/escape`, '--project', project, '--mode', '0755']);
    await inside('mkdir', '-p', '/root/try');
    const tries = parseEscapeOutput(await inside('/root/escape', '/root/try'));
    const refused = tries.filter((t) => t.errno === EPERM).length;
    console.log(`  ioctls: ${tries.map((t) => `${t.ioctl}/${t.route} ${t.errno === EPERM ? 'EPERM' : t.errno === 0 ? 'MADE' : `errno ${t.errno}`}`).join(', ')}`);
    const state = JSON.parse(await incus(['query', `/1.0/instances/${ESC}/state?project=${project}`])) as { pid: number };
    const { pool } = await containerSubvolume(state.pid);
    const nested = await nestedSubvolumes(pool.mountPoint, project, ESC);
    const query = (p: string) => incus(['query', p]);
    const before = await poolUsedBytes(query, pool.pool);
    const out = await inside('sh', '-c', 'dd if=/dev/zero of=/root/big bs=1M count=1500 conv=fsync 2>&1; sync');
    const grew = (await poolUsedBytes(query, pool.pool)) - before;
    const copied = Number(/(\d+) bytes/.exec(out)?.[1] ?? NaN);
    console.log(`  write: ${out.trim().split('\n').join(' | ')}`);
    console.log(`  subvolumes made inside: ${nested.length ? nested.join(', ') : 'none'}`);
    await inside('rm', '-f', '/root/big');
    return (
      `bench isolation-disk-escape: refused ${refused}/${tries.length}, write stopped at ${(copied / MiB).toFixed(0)} MiB of 1024` +
      `${/Disk quota exceeded/.test(out) ? ' (Disk quota exceeded)' : ' (NOT stopped by the quota)'}, pool grew ${(grew / MiB).toFixed(0)} MiB`
    );
  } finally {
    await program.cleanup();
  }
}

/** A latency measured by a probe: when it started (performance.now()) and how long it took. */
interface Probe {
  at: number;
  ms: number;
}

/** Runs `once` back to back until stopped, recording each round trip. */
function probeLoop(once: () => Promise<void>, out: Probe[], errors: { n: number; last: string }): { stop: () => Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      const at = performance.now();
      try {
        await once();
        out.push({ at, ms: performance.now() - at });
      } catch (err) {
        errors.n++;
        errors.last = err instanceof Error ? err.message : String(err);
        await sleep(50);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

function hostTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`true exited ${code}`))));
  });
}

const within = (xs: Probe[], from: number, to: number) => xs.filter((p) => p.at >= from && p.at < to).map((p) => p.ms);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const stats = (xs: number[]) => (xs.length ? `p50 ${fmt(median(xs))}, p99 ${fmt(percentile(xs, 99))} (n=${xs.length})` : 'no samples');

/**
 * What of the host shapes the disk attack's result: a write cap on the storage pool's device
 * (scripts/setup-incus.sh sets one on cgroup v1 hosts) and whether btrfs enforces quotas.
 */
async function hostConditions(): Promise<string> {
  const read = (path: string) => readFile(path, 'utf8').then((t) => t.trim(), () => null);
  const parts: string[] = [];
  const caps = await read('/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device');
  parts.push(
    caps === null
      ? 'no cgroup v1 blkio (cgroup v2 host: writeback is charged to the writing container)'
      : caps
        ? `pool write caps (root blkio cgroup): ${caps.split('\n').map((l) => { const [dev, bps] = l.split(' '); return `${dev} ${(Number(bps) / 2 ** 20).toFixed(0)} MiB/s`; }).join(', ')}`
        : 'no pool write cap (cgroup v1: one agent\'s buffered writes are not limited by its own cgroup)',
  );
  try {
    const dirs = await readdir('/sys/fs/btrfs');
    const flags = await Promise.all(dirs.map((d) => read(`/sys/fs/btrfs/${d}/qgroups/inconsistent`)));
    const known = flags.filter((f): f is string => f !== null);
    if (known.includes('1') && process.getuid?.() === 0) {
      // Deleting agents can leave btrfs not enforcing sizes; the disk attack needs them.
      await rescanQuotas();
      parts.push('btrfs qgroups were inconsistent: rescanned');
    } else if (known.length) {
      parts.push(known.includes('1') ? 'btrfs qgroups INCONSISTENT (disk sizes not enforced; run scripts/setup-incus.sh)' : 'btrfs qgroups consistent');
    }
  } catch {
    // no btrfs on this host
  }
  return parts.join('; ');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const bench = await throwawayProject('isolation', 'Enclave isolation benchmark (throwaway)');
  const { name: project, socketPath } = bench;
  const backend = new Backend({ project, socketPath });
  bench.defer(() => backend.stop());
  /** Calls a contract method as a transport would, throwing its error. */
  const call = async <M extends RequestName>(method: M, args: unknown): Promise<ResultOf<M>> => {
    const r = await dispatch(backend.handlers, method, args);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
    return r.result as ResultOf<M>;
  };

  const alerts: { t: number; alert: GuardAlert }[] = [];
  backend.events.on('guard.alert', (alert) => alerts.push({ t: performance.now(), alert }));

  const probesB: Probe[] = [];
  const probesHost: Probe[] = [];
  const errB = { n: 0, last: '' };
  const errHost = { n: 0, last: '' };
  let loops: { stop: () => Promise<void> }[] = [];

  try {
    backend.start();
    await backend.ready();
    console.log(`bench isolation: image ${opts.image}, project ${project}`);
    console.log(`host: ${await hostConditions()}`);
    await Promise.all([incus(['launch', opts.image, A, '--project', project]), incus(['launch', opts.image, B, '--project', project])]);
    await call('agents.list', {});
    const limited = await call('agents.setLimits', { agent: A, limits: { processes: '200', memory: '256MiB', cpu: '1', disk: '2GiB' } });
    console.log(`limits on ${A}: ${JSON.stringify(limited)}`);
    await call('snapshots.create', { agent: A, name: 'before-attacks' });
    // A restart makes sure every limit is in force, whatever waited for one.
    await call('agents.action', { name: A, action: 'restart', force: true });
    await sleep(2000);

    const client = backend.local.connection.requireClient();
    loops = [
      probeLoop(async () => {
        const r = await execCommand(client, B, ['true']);
        if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode} in ${B}`);
      }, probesB, errB),
      probeLoop(hostTrue, probesHost, errHost),
    ];

    const t0 = performance.now();
    await sleep(opts.before * 1000);
    const before = { b: within(probesB, t0, performance.now()), host: within(probesHost, t0, performance.now()) };
    console.log(`\nbefore (${opts.before} s): ${B} exec ${stats(before.b)}; host \`true\` ${stats(before.host)}`);

    const results: string[] = [];
    for (const attack of ATTACKS.filter((a) => !opts.phases || opts.phases.includes(a.key))) {
      if (bench.interrupted) return;
      if (attack.check) {
        console.log(`\n${attack.label}:`);
        try {
          results.push(await diskEscape(call, project, opts.image));
        } catch (err) {
          results.push(`bench isolation-${attack.key}: failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        console.log(results[results.length - 1]);
        continue;
      }
      let command = attack.command;
      let cleanup = async () => undefined as void;
      let report: (() => Promise<string>) | undefined;
      if (attack.prepare) {
        ({ command, cleanup, report } = await attack.prepare({
          project,
          image: opts.image,
          setOpen: async (agent) => (await call('agents.setNetwork', { agent, policy: { mode: 'open', allow: [], ingress: '', egress: '' } })).agent.network.address ?? '',
        }));
        bench.defer(cleanup);
      }
      const start = performance.now();
      const startEpoch = Date.now();
      const seen = alerts.length;
      let outcome: string;
      try {
        const r = await Promise.race([
          execCommand(client, A, command, { timeoutMs: 40_000 }),
          sleep(40_000).then(() => Promise.reject(new Error('no answer within 40 s'))),
        ]);
        outcome = `exit ${r.exitCode}${r.stderr.length ? `, stderr: ${r.stderr.toString().trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` : ''}`;
      } catch (err) {
        outcome = `exec failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      const end = performance.now();
      const b = within(probesB, start, end);
      const host = within(probesHost, start, end);
      await sleep(2500); // the sampler's next round (every 2 s) shows how A ended
      // What A looked like at the end, from its cgroup, as Enclave's sampler sees it.
      const hist = backend.local.telemetry.history(A, Math.ceil((performance.now() - start) / 1000) + 2);
      const peak = hist.reduce(
        (m, s) => ({
          cpu: Math.max(m.cpu, s.cpuHostPercent),
          mem: Math.max(m.mem, s.memoryBytes ?? 0),
          procs: Math.max(m.procs, s.processes ?? 0),
          ooms: Math.max(m.ooms, s.oomKills ?? 0),
        }),
        { cpu: 0, mem: 0, procs: 0, ooms: 0 },
      );
      console.log(`\n${attack.label} in ${A}: ran ${((end - start) / 1000).toFixed(1)} s, ${outcome}`);
      console.log(
        `  ${A} as sampled: peak cpu ${peak.cpu.toFixed(0)}% of host, memory ${(peak.mem / 2 ** 20).toFixed(0)} MiB, ${peak.procs} processes, oom kills ${peak.ooms} (${hist.length} samples)`,
      );
      console.log(`  during: ${B} exec ${stats(b)}; host \`true\` ${stats(host)}`);
      // Only alerts raised in this attack: the event also carries updates and clears of earlier ones.
      const mine = alerts.slice(seen).filter((a) => a.alert.agent === A && a.alert.active && a.alert.at >= startEpoch);
      if (mine.length) {
        const firstAlert = mine[0] as { t: number; alert: GuardAlert };
        console.log(
          `  guard: flagged ${A} after ${(firstAlert.t - start).toFixed(0)} ms (${mine.map((m) => `${m.alert.rule}${m.alert.action ? ` → ${m.alert.action}` : ''}`).join(', ')}): ${firstAlert.alert.message}`,
        );
      } else {
        console.log(`  guard: no guard.alert for ${A}`);
      }
      const ratio = b.length && before.b.length ? percentile(b, 99) / percentile(before.b, 99) : NaN;
      const hostRatio = host.length && before.host.length ? percentile(host, 99) / percentile(before.host, 99) : NaN;
      console.log(`  host \`true\` during/before p99: ${hostRatio.toFixed(2)}`);
      if (report) console.log(`  ${await report().catch((err: unknown) => `no count from the sink: ${String(err)}`)}`);
      await cleanup();
      results.push(`bench isolation-${attack.key === 'network-flood' ? 'network' : attack.key}: ratio ${ratio.toFixed(2)}`);
      console.log(results[results.length - 1]);

      // Clear A's leftovers before the next attack: a forced stop and a start.
      const r0 = performance.now();
      if (attack.key === 'disk') await execCommand(client, A, ['rm', '-f', '/root/fill']).catch(() => undefined);
      await call('agents.action', { name: A, action: 'stop', force: true });
      await call('agents.action', { name: A, action: 'start' });
      console.log(`  ${A} reset (force stop + start) in ${fmt(performance.now() - r0)}`);
      await sleep(2000);
    }

    await Promise.all(loops.map((l) => l.stop()));
    loops = [];
    if (errB.n || errHost.n) console.log(`\nprobe failures: ${B} exec ${errB.n} (${errB.last}), host ${errHost.n} (${errHost.last})`);

    // Containment: freeze, stop, roll back.
    console.log(`\ncontaining ${A}:`);
    await execCommand(client, A, ['sh', '-c', 'echo damaged > /root/damage']);
    let t = performance.now();
    await call('agents.action', { name: A, action: 'freeze' });
    console.log(`  freeze: ${fmt(performance.now() - t)}`);
    t = performance.now();
    await call('agents.action', { name: A, action: 'stop', force: true });
    console.log(`  stop (force, from frozen): ${fmt(performance.now() - t)}`);
    t = performance.now();
    const restored = await call('snapshots.restore', { agent: A, name: 'before-attacks' });
    console.log(`  restore to before-attacks: ${fmt(performance.now() - t)} (safety snapshot ${restored.safety.name})`);
    await call('agents.action', { name: A, action: 'start' });
    const check = await execCommand(client, A, ['test', '-e', '/root/damage']);
    console.log(`  after restore and start, /root/damage ${check.exitCode === 0 ? 'STILL EXISTS' : 'is gone'}`);

    console.log('');
    for (const line of results) console.log(line);
  } finally {
    await Promise.all(loops.map((l) => l.stop()));
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench isolation failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
