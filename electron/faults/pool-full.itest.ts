/**
 * Fault: the storage pool fills up. A file on the pool's own filesystem (the spare daemon's
 * loop-backed btrfs, mounted in its folder) takes every free byte, as a runaway agent without
 * a disk limit would.
 *
 * What the user sees: agents.create fails (code `incus`) saying the storage pool is full and what helps, then Incus's words ("…: no space left
 * on device", pinned below), never a spinner and never `internal`; the existing agent keeps running and answers
 * exec; its snapshot and the agent list are untouched; and once space is freed, a create
 * works again (the failed one left nothing in the way).
 */
import { execFile } from 'node:child_process';
import { statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Agent, ErrorInfo, Snapshot } from '../../shared/types.js';
import { execCommand } from '../incus/exec.js';
import { SPARE_IMAGE, SPARE_POOL, spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { TestLink, failed, ok } from '../test-support/terminal-link.js';
import { settles, useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'the storage pool full';
if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

function sh(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 300_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr: String(stderr) });
    });
  });
}

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig({ poolSize: '2GiB' });
  const call = (method: string, args: unknown = {}) => new TestLink(rig.backend.handlers).call(method, args);

  it('refuses a create with a clear error, keeps what exists, and creates again once space is freed', async () => {
    ok<Agent>(await call('agents.create', { name: 'keeper', image: SPARE_IMAGE }));
    ok<Snapshot>(await call('snapshots.create', { agent: 'keeper', name: 'before' }));
    const client = rig.backend.local.connection.requireClient();

    const mount = join(rig.daemon.dir, 'storage-pools', SPARE_POOL);
    const fills = [join(mount, 'fill-bulk'), join(mount, 'fill-rest')];
    try {
      // The bulk at once, then real writes until the filesystem says no more.
      const free = await statfs(mount);
      const bulk = Math.max(0, free.bavail * free.bsize - 64 * 1024 * 1024);
      expect((await sh('fallocate', ['-l', String(bulk), fills[0] as string])).code).toBe(0);
      const dd = await sh('dd', ['if=/dev/zero', `of=${fills[1] as string}`, 'bs=1M', 'conv=fsync']);
      expect(dd.stderr).toMatch(/No space left on device/);
      await sh('sync', ['-f', mount]);

      const outcome = await settles(call('agents.create', { name: 'late', image: SPARE_IMAGE }), 180_000, 'agents.create on a full pool');
      expect(outcome.ok).toBe(true);
      const err: ErrorInfo = failed((outcome as { ok: true; value: Parameters<typeof failed>[0] }).value);
      console.log(`pool full: agents.create → ${err.code}: ${err.message}`);
      // What the user sees: what it means and what helps, then Incus's own words ("write
      // …/containers/enclave-faults_late/backup.yaml: no space left on device").
      expect(err.code).toBe('incus');
      expect(err.message).toMatch(/^The storage pool is full: free space on it .*no space left on device/);

      // What exists is untouched and keeps working.
      const agents = ok<Agent[]>(await call('agents.list'));
      expect(agents.find((a) => a.name === 'keeper')?.status).toBe('Running');
      const echo = await execCommand(client, 'keeper', ['echo', 'still here'], { timeoutMs: 30_000 });
      expect(echo.exitCode).toBe(0);
      expect(echo.stdout.toString()).toBe('still here\n');
      expect(ok<Snapshot[]>(await call('snapshots.list', { agent: 'keeper' })).map((s) => s.name)).toContain('before');
    } finally {
      for (const f of fills) await unlink(f).catch(() => undefined);
      await sh('sync', ['-f', mount]);
    }

    const late = ok<Agent>(await call('agents.create', { name: 'late', image: SPARE_IMAGE }));
    expect(late.status).toBe('Running');
    const names = ok<Agent[]>(await call('agents.list')).map((a) => a.name).sort();
    expect(names).toEqual(['keeper', 'late']);
  }, 600_000);
});
