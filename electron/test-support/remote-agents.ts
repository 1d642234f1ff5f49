/**
 * Support for remote-telemetry tests and the benchmark: small agents in a project of their
 * own on a SpareIncusd, a mirror of them for the sampler, and the daemon's own CPU time.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Agent, AgentsChange } from '../../shared/types.js';
import { toAgent } from '../core/agent-model.js';
import type { AgentMirror } from '../core/agent-mirror.js';
import type { IncusClient } from '../incus/client.js';
import { listInstances } from '../incus/instances.js';
import { ensureProject } from '../incus/projects.js';
import { SPARE_IMAGE, type SpareIncusd } from './spare-incusd.js';

/** Tiny limits: the agents only have to run. No NIC: the spare daemon's profile has none (network mode none). */
export const SMALL_LIMITS = ['limits.cpu=1', 'limits.memory=96MiB', 'limits.processes=100'];

/** Creates the project (as Enclave does) and launches `names` in it, a few at a time. */
export async function launchSmallAgents(daemon: SpareIncusd, client: IncusClient, project: string, names: readonly string[], parallel = 4): Promise<void> {
  await ensureProject(client, project, 'Enclave remote-telemetry test (safe to delete)');
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      await daemon.incus('launch', SPARE_IMAGE, name, '--project', project, ...SMALL_LIMITS.flatMap((c) => ['-c', c]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, names.length) }, worker));
}

/** The part of the agents' mirror the sampler reads, filled from Incus on refresh(). */
export class ListedAgents implements Pick<AgentMirror, 'cached' | 'on'> {
  private agents: Agent[] = [];

  constructor(private readonly client: IncusClient) {}

  async refresh(): Promise<Agent[]> {
    this.agents = (await listInstances(this.client)).map(toAgent);
    return this.agents;
  }

  cached(): Agent[] {
    return this.agents;
  }

  on(_event: 'changed', _listener: (change: AgentsChange) => void): this {
    return this;
  }
}

/** The pid of the incusd whose INCUS_DIR is `dir` (its --logfile lies in it). */
export function incusdPid(dir: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('incusd') && argv.includes(`${dir}/incusd.log`)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error(`no incusd running for ${dir}`);
}

const TICKS = 100; // USER_HZ on Linux

function statOf(pid: number): { ppid: number; cpuMs: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis: state ppid … utime(14) stime(15) cutime(16) cstime(17).
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { ppid: Number(f[1]), cpuMs: (ticks * 1000) / TICKS };
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) of the daemon and its helper processes: the incusd process (every thread, and
 * its reaped children), plus each live descendant that is not inside a container (lxc
 * monitors and fork helpers serve the daemon; the agents' own processes are not its cost).
 */
export function daemonCpuMs(pid: number): number {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = statOf(Number(entry));
    if (s) parent.set(Number(entry), s.ppid);
  }
  const isDescendant = (p: number): boolean => {
    for (let cur = parent.get(p), hops = 0; cur !== undefined && hops < 64; cur = parent.get(cur), hops++) if (cur === pid) return true;
    return false;
  };
  let total = statOf(pid)?.cpuMs ?? 0;
  for (const p of parent.keys()) {
    if (!isDescendant(p)) continue;
    let cgroup: string;
    try {
      cgroup = readFileSync(`/proc/${p}/cgroup`, 'utf8');
    } catch {
      continue;
    }
    if (cgroup.includes('lxc.payload.')) continue;
    total += statOf(p)?.cpuMs ?? 0;
  }
  return total;
}
