/**
 * Moving a stopped agent to another member of its cluster. Incus moves a container between
 * members only while it is stopped ("Instance must be stopped to be moved statelessly"), so a
 * running one is refused here with what to do, before anything is sent; so is a member that
 * is not there or cannot take it.
 */
import { EnclaveError } from '../../../shared/errors.js';
import type { IncusClient } from '../../incus/client.js';
import { clusterEnabled, listMembers } from '../../incus/cluster.js';
import { IncusError } from '../../incus/errors.js';
import { getInstance, startMigrationToMember, type Instance } from '../../incus/instances.js';
import { OPERATION_SUCCESS, waitOperation } from '../../incus/operations.js';
import { toEnclaveError } from '../errors.js';

/** How long a move may take: the whole root filesystem is sent to the other member. */
export const MOVE_TIMEOUT_SEC = 600;

/** Moves the stopped agent `name` (in the client's project) to `member`; returns it as Incus now has it. */
export async function moveAgent(
  client: IncusClient,
  name: string,
  member: string,
  opts: { timeoutSec?: number } = {},
): Promise<Instance> {
  try {
    if (!(await clusterEnabled(client))) {
      throw new EnclaveError('conflict', `This server is not a cluster: "${name}" has no other member to move to.`);
    }
    const members = await listMembers(client);
    const target = members.find((m) => m.server_name === member);
    if (!target) {
      const names = members.map((m) => m.server_name).join(', ');
      throw new EnclaveError('not-found', `The cluster has no member "${member}" (its members: ${names || 'none'}).`);
    }
    if (target.status !== 'Online') {
      const why = target.message ? ` (${target.message})` : '';
      const code = target.status === 'Offline' ? 'unavailable' : 'conflict';
      throw new EnclaveError(code, `Member "${member}" is ${target.status}${why}: it cannot take "${name}" now.`);
    }
    const inst = await getInstance(client, name).catch((err: unknown) => {
      if (err instanceof IncusError && err.status === 404) throw new EnclaveError('not-found', `There is no agent "${name}".`);
      throw err;
    });
    if (inst.location === member) return inst;
    const source = members.find((m) => m.server_name === inst.location);
    if (source && source.status === 'Offline') {
      throw new EnclaveError('unavailable', `"${name}" is on member "${source.server_name}", which is Offline: its disk cannot be read until the member is back.`);
    }
    if (inst.status !== 'Stopped') {
      throw new EnclaveError(
        'conflict',
        `"${name}" is ${inst.status}: stop it before moving it to ${member} (Incus moves a container between members only while it is stopped).`,
      );
    }
    const op = await startMigrationToMember(client, name, member);
    if (op) {
      const timeoutSec = opts.timeoutSec ?? MOVE_TIMEOUT_SEC;
      const done = await waitOperation(client, op, timeoutSec);
      if (done.status_code !== OPERATION_SUCCESS) {
        throw new EnclaveError('busy', `Moving "${name}" to ${member} is still running after ${timeoutSec} s; it goes on in Incus.`);
      }
    }
    return await getInstance(client, name);
  } catch (err) {
    throw toEnclaveError(err);
  }
}
