import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionProblem } from '../../shared/types.js';

/**
 * Where the incus CLI looks for the local daemon. A socket named by INCUS_SOCKET or INCUS_DIR
 * is the only candidate: the user chose it, and silently using another daemon would be wrong.
 */
export function socketCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.INCUS_SOCKET) return [env.INCUS_SOCKET];
  if (env.INCUS_DIR) return [join(env.INCUS_DIR, 'unix.socket')];
  return ['/var/lib/incus/unix.socket', '/run/incus/unix.socket'];
}

export interface SocketProbe {
  path: string;
  problem: ConnectionProblem | null;
  message: string;
}

/** Checks a socket path without connecting: exists, is a socket, and we may open it. */
export async function probeSocket(path: string): Promise<SocketProbe> {
  try {
    const info = await stat(path);
    if (!info.isSocket()) return { path, problem: 'error', message: `${path} exists but is not a socket.` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return { path, problem: 'permission-denied', message: `No permission to look at ${path}.` };
    return { path, problem: 'missing', message: `${path} does not exist.` };
  }
  try {
    await access(path, constants.R_OK | constants.W_OK);
  } catch {
    return { path, problem: 'permission-denied', message: `Permission denied on ${path}.` };
  }
  return { path, problem: null, message: `${path} is a socket we can open.` };
}

/** The first candidate that exists (the CLI's rule); the first candidate when none does. */
export async function chooseSocket(candidates: string[]): Promise<{ path: string; probes: SocketProbe[] }> {
  const probes: SocketProbe[] = [];
  for (const path of candidates) {
    const probe = await probeSocket(path);
    probes.push(probe);
    if (probe.problem !== 'missing') return { path, probes };
  }
  return { path: candidates[0] ?? '/var/lib/incus/unix.socket', probes };
}

/**
 * What to do about `problem`: the fix only. The status's message already says what is wrong
 * and where, and both are shown together.
 */
export function hintFor(problem: ConnectionProblem, where: 'local' | 'remote' = 'local'): string {
  if (where === 'remote') {
    if (problem === 'not-responding')
      return `Check the port (the server's core.https_address, 8443 by default) and that incusd runs there; a firewall may also refuse the connection.`;
    if (problem === 'error') return `Check the server's log (incusd.log on that machine).`;
  }
  switch (problem) {
    case 'missing':
      return `Install and start Incus (on Debian/Ubuntu: sudo scripts/setup-incus.sh), or point INCUS_SOCKET / INCUS_DIR at your daemon's socket.`;
    case 'permission-denied':
      return `Add yourself to the incus-admin group (sudo usermod -aG incus-admin $USER, then log in again), or run Enclave as a user that may open it.`;
    case 'not-responding':
      return `The socket file is there but no daemon answers on it: start incusd (systemctl start incus, or sudo scripts/setup-incus.sh) and check its log.`;
    case 'unreachable':
      return `Check the address and that the server is up and reachable from this computer (a firewall may drop the connection).`;
    case 'not-incus':
      return `Check the address and port: Incus listens where core.https_address says (8443 by default).`;
    case 'untrusted':
      return `Add a trust token (incus config trust add on the server) or trust Enclave's client certificate there (incus config trust add-certificate).`;
    case 'certificate-changed':
      return `If the server was reinstalled or its certificate renewed on purpose, remove the server and add it again to pin the new certificate; otherwise do not connect.`;
    case 'config':
      return `Fix or remove the broken file named above (incus remote list shows the CLI's view of it).`;
    case 'error':
      return `Check the daemon's log (e.g. /var/log/incus/incusd.log).`;
  }
}
