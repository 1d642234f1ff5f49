import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EnclaveError } from '../../../shared/errors.js';
import { WORKSPACE_PATH } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';
import { FilePullError, pullFile } from '../../incus/file-pull.js';
import { GIVE_BACK } from './commit-inside.js';
import { SAFE_GIT } from './work-state.js';

/** The agent's replace refs are ignored too: the gate names real objects only. */
const GIT = `${SAFE_GIT} --no-replace-objects`;

/** The ref a bundle carries: Enclave's own, so the agent's branch names never matter. */
export const REVIEW_REF = 'refs/enclave/review';
/** Where bundles are made inside the agent (on its own disk; removed once copied out). */
export const OUT_DIR = '/run/enclave';

/**
 * Inside the agent: points REVIEW_REF at the commit, says whether the base is still in its
 * history, and (when it is, or the user forced it) bundles base..commit (the whole history
 * when the base is not an ancestor). Prints "rewritten" or "ok yes|no <bytes>".
 * base..commit is packed without a delta search (pack.window=0): the bundle travels over a
 * local socket, so the search (most of the time a bundle takes) saves nothing worth having;
 * the deltas the agent's packs already hold are still reused. A whole history keeps it.
 */
const SCRIPT = `cd ${WORKSPACE_PATH} || exit 10
${GIT} update-ref ${REVIEW_REF} "$1" || exit 10
${GIVE_BACK}
if ${GIT} merge-base --is-ancestor "$2" "$1" 2>/dev/null; then anc=yes; else anc=no; fi
if [ "$anc" = no ] && [ "$3" != force ]; then echo rewritten; exit 0; fi
mkdir -p ${OUT_DIR} && chmod 700 ${OUT_DIR} || exit 13
if [ "$anc" = yes ]; then ${GIT} -c pack.window=0 bundle create -q "$4" ${REVIEW_REF} "^$2" || exit 14
else ${GIT} bundle create -q "$4" ${REVIEW_REF} || exit 14; fi
echo "ok $anc $(stat -c %s "$4")"`;

export type BundleAnswer = { kind: 'rewritten' } | { kind: 'ok'; ancestor: boolean; bytes: number };

export function parseBundleAnswer(stdout: string): BundleAnswer {
  const line = stdout.trim();
  if (line === 'rewritten') return { kind: 'rewritten' };
  const m = /^ok (yes|no) (\d{1,15})$/.exec(line);
  if (!m?.[2]) throw new EnclaveError('internal', "The agent's git answered something Enclave did not ask for while making the bundle; nothing was brought back.");
  return { kind: 'ok', ancestor: m[1] === 'yes', bytes: Number(m[2]) };
}

export interface BundleLimits {
  maxBytes: number;
  /** For making the bundle inside and for copying it out, each. */
  timeoutMs: number;
}

export type BundleOut =
  | { kind: 'rewritten' }
  /** `removed`: the bundle's removal inside the agent, under way (await it before the fetch ends). */
  | { kind: 'ok'; file: string; bytes: number; ancestorInside: boolean; removed: Promise<void> };

/**
 * Makes the bundle inside the agent and copies it out into `hostDir` through Incus's file API
 * (a regular file, at most maxBytes), then removes it inside whatever happened (on success
 * while the host goes on: `removed`).
 */
export async function bundleOut(
  client: IncusClient,
  agent: string,
  commit: string,
  base: string,
  force: boolean,
  hostDir: string,
  limits: BundleLimits,
): Promise<BundleOut> {
  const inside = `${OUT_DIR}/out-${randomBytes(8).toString('hex')}.bundle`;
  const tooLarge = (bytes: string) =>
    new EnclaveError('too-large', `The work in ${agent} makes a bundle of ${bytes}, more than the ${limits.maxBytes} bytes Enclave brings back at once; nothing was fetched.`);
  let removing: Promise<void> | null = null;
  const removeInside = () =>
    (removing ??= execCommand(client, agent, ['rm', '-f', '--', inside], { timeoutMs: 15_000, maxOutputBytes: 4096 }).then(
      () => undefined,
      () => undefined,
    ));
  try {
    const r = await execCommand(client, agent, ['sh', '-c', SCRIPT, 'sh', commit, base, force ? 'force' : '', inside], {
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: 64 * 1024,
    });
    if (r.exitCode !== 0) throw new EnclaveError('internal', `Making the bundle inside ${agent} failed (step ${r.exitCode}); nothing was brought back.`);
    const answer = parseBundleAnswer(r.stdout.toString('utf8'));
    if (answer.kind === 'rewritten') return answer;
    if (answer.bytes > limits.maxBytes) throw tooLarge(`${answer.bytes} bytes`);
    const file = join(hostDir, 'work.bundle');
    let bytes: number;
    try {
      bytes = await pullFile(client, agent, inside, file, limits);
    } catch (err) {
      if (err instanceof FilePullError && err.reason === 'too-large') throw tooLarge('more bytes');
      if (err instanceof FilePullError) throw new EnclaveError('internal', `Copying the bundle out of ${agent} failed: ${err.message}; nothing was brought back.`);
      throw err;
    }
    return { kind: 'ok', file, bytes, ancestorInside: answer.ancestor, removed: removeInside() };
  } catch (err) {
    await removeInside();
    throw err;
  }
}
