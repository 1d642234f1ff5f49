// What `npm test` needs before it starts, and what to do when something is missing: pure, so
// the decision is unit-tested without a daemon (scripts/test-prereqs.mjs gathers the facts).

export const SETUP_COMMAND = 'sudo scripts/setup-incus.sh';
export const GROUP_COMMAND = 'sudo usermod -aG incus-admin $USER';

/** The agent image version scripts/setup-incus.sh builds (its `IMAGE_VERSION=` line). */
export function imageVersionOf(scriptText) {
  const m = /^IMAGE_VERSION=(\d+)\s*$/m.exec(scriptText);
  return m ? m[1] : null;
}

/**
 * What is missing, one sentence each; empty when the suites can run. With no daemon answering,
 * only that is said: the pool and the image cannot be looked at.
 * @param {import('./test-prereqs-model.d.mts').Facts} f
 */
export function missingParts(f) {
  const out = [];
  if (f.socket === 'missing') out.push(`no Incus socket at ${f.socketPath}`);
  else if (f.socket === 'not-responding') out.push(`no Incus daemon answers on ${f.socketPath}`);
  else if (f.socket === 'permission-denied') out.push(`this user may not open ${f.socketPath}`);
  else if (f.socket === 'untrusted') out.push(`Incus does not trust this user on ${f.socketPath}`);
  if (f.socket === 'answers') {
    if (f.pool === 'missing') out.push(`no storage pool ${f.poolName}`);
    else if (f.pool !== 'ok') out.push(`storage pool ${f.poolName} uses the ${f.pool.driver} driver, not btrfs`);
    if (f.image === 'missing') out.push(`no image ${f.imageAlias}`);
    else if (f.image !== 'ok')
      out.push(`image ${f.imageAlias} is version ${f.image.version ?? '(none)'}, not ${f.imageVersion ?? '?'}`);
  }
  if (!f.chromium) out.push('no /usr/bin/chromium');
  return out;
}

/**
 * ready: run the suites. setup: run the setup script now (root, and the script can fix what is
 * missing). tell: say the one command that fixes it, and stop.
 * @param {import('./test-prereqs-model.d.mts').Facts} f
 * @returns {import('./test-prereqs-model.d.mts').Decision}
 */
export function decide(f) {
  const missing = missingParts(f);
  if (missing.length === 0) return { action: 'ready', missing };
  // The setup script neither adds a user to a group nor changes an existing pool's driver.
  if (f.socket === 'permission-denied' || f.socket === 'untrusted')
    return { action: 'tell', missing, command: GROUP_COMMAND, why: 'then log in again' };
  if (f.socket === 'answers' && f.pool !== 'ok' && f.pool !== 'missing')
    return { action: 'tell', missing, command: `ENCLAVE_POOL=<a new pool name> ${SETUP_COMMAND}`, why: 'the setup does not change an existing pool' };
  // The setup brings up the local daemon only; run on another socket's behalf it would start a
  // second incusd on the same state directory.
  if (f.customSocket)
    return {
      action: 'tell',
      missing,
      command: SETUP_COMMAND,
      why: `it sets up the local daemon, not the one INCUS_SOCKET names: unset INCUS_SOCKET afterwards`,
    };
  if (!f.scriptPresent) return { action: 'tell', missing, command: SETUP_COMMAND, why: 'scripts/setup-incus.sh is missing from this checkout' };
  if (f.root) return { action: 'setup', missing };
  return { action: 'tell', missing, command: SETUP_COMMAND, why: 'it needs root' };
}
