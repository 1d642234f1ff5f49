import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SetupLog } from '../../shared/types.js';
import { recordEvents } from '../test-support/events.js';
import { INCUS_SOCKET, useTestProject } from '../test-support/project.js';
import { isolatedSettingsPath } from '../test-support/backend.js';
import { SocketProxy } from '../test-support/proxy.js';
import { dispatch } from '../transport/dispatch.js';
import { Backend } from './backend.js';

// The setup run from the connection screen, with a fake script (the real one would touch the
// real daemon) and the daemon's absence played by a proxy in front of the real socket.
describe('Setting up Incus from the backend', () => {
  const project = useTestProject();
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-setup-it-'));
    project.defer(() => rm(dir, { recursive: true, force: true }));
  });

  it('runs one setup at a time, then connects at once when it ends, not at the next retry', async () => {
    const proxy = new SocketProxy(join(dir, 'unix.socket'), INCUS_SOCKET);
    project.defer(() => proxy.cut());
    const script = join(dir, 'setup.sh');
    await writeFile(script, `#!/usr/bin/env bash\necho working\nwhile [ ! -e "${dir}/go" ]; do sleep 0.05; done\necho done\n`);
    await chmod(script, 0o755);
    // A retry an hour away: only the end of the setup can bring the connection up in time.
    const backend = new Backend({
      project: project.name,
      socketPath: proxy.path,
      retryMs: 3_600_000,
      settingsPath: isolatedSettingsPath(project, 'setup'),
      setup: { script, sockets: 'any', isRoot: () => true },
    });
    project.defer(() => backend.stop());
    const rec = recordEvents(backend);
    backend.start();
    await rec.waitFor('system.status', (s) => s.state === 'unavailable', 10_000, 0);
    expect(backend.local.connection.status).toMatchObject({ state: 'unavailable', problem: 'missing', setup: { available: true } });

    expect(await dispatch(backend.handlers, 'system.setupIncus', {})).toEqual({ ok: true, result: { alreadyRunning: false, lines: [] } });
    await rec.waitFor('system.setupLog', (l) => 'line' in l && l.line === 'working', 10_000, 0);
    expect(await dispatch(backend.handlers, 'system.setupIncus', {})).toEqual({ ok: true, result: { alreadyRunning: true, lines: ['working'] } });

    await proxy.start();
    await writeFile(join(dir, 'go'), '');
    const done = await rec.waitFor('system.setupLog', (l) => 'done' in l, 10_000, 0);
    expect(done.payload as SetupLog).toEqual({ done: true, exitCode: 0, error: null });
    await backend.ready(10_000);

    const again = await dispatch(backend.handlers, 'system.setupIncus', {});
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('nothing to set up') } });
  });

  it('refuses when not root, saying why, and never runs the script', async () => {
    const marker = join(dir, 'ran');
    const script = join(dir, 'never.sh');
    await writeFile(script, `#!/usr/bin/env bash\ntouch "${marker}"\n`);
    const backend = new Backend({
      project: project.name,
      socketPath: join(dir, 'absent.socket'),
      retryMs: 3_600_000,
      settingsPath: isolatedSettingsPath(project, 'setup'),
      setup: { script, sockets: 'any', isRoot: () => false },
    });
    project.defer(() => backend.stop());
    const rec = recordEvents(backend);
    backend.start();
    await rec.waitFor('system.status', (s) => s.state === 'unavailable', 10_000, 0);
    expect(backend.local.connection.status).toMatchObject({ setup: { available: false, reason: expect.stringContaining('root') } });
    const reply = await dispatch(backend.handlers, 'system.setupIncus', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('root') } });
    await expect(stat(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
