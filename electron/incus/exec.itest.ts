import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncusClient } from './client.js';
import { execCommand } from './exec.js';
import { changeState, createInstance, deleteInstance } from './instances.js';
import { deleteProject, ensureProject } from './projects.js';
import { chooseSocket, socketCandidates } from './socket.js';

const IMAGE = process.env.ENCLAVE_TEST_IMAGE ?? 'enclave-agent';
const PROJECT = `enclave-itest-exec-${randomBytes(3).toString('hex')}`;
const NAME = 'exec-test';

describe('execCommand (non-interactive exec)', () => {
  let root: IncusClient;
  let client: IncusClient;

  beforeAll(async () => {
    // The daemon the app would use: INCUS_SOCKET, INCUS_DIR, then the standard paths.
    root = new IncusClient({ socketPath: (await chooseSocket(socketCandidates())).path, project: 'default' });
    client = root.withProject(PROJECT);
    await ensureProject(root, PROJECT, 'Enclave exec integration test (throwaway)');
    await createInstance(client, { name: NAME, source: { type: 'image', alias: IMAGE } });
    await changeState(client, NAME, 'start');
  });

  afterAll(async () => {
    if (!root) return;
    try {
      await changeState(client, NAME, 'stop', { force: true }).catch(() => undefined);
      await deleteInstance(client, NAME).catch(() => undefined);
      await deleteProject(root, PROJECT);
    } finally {
      await root.close();
    }
  });

  it('returns the exit code', async () => {
    expect((await execCommand(client, NAME, ['true'])).exitCode).toBe(0);
    expect((await execCommand(client, NAME, ['sh', '-c', 'exit 7'])).exitCode).toBe(7);
  });

  it('keeps stdout and stderr apart', async () => {
    const res = await execCommand(client, NAME, ['sh', '-c', 'printf out-text; printf err-text >&2; exit 3']);
    expect(res.exitCode).toBe(3);
    expect(res.stdout.toString('utf8')).toBe('out-text');
    expect(res.stderr.toString('utf8')).toBe('err-text');
  });

  it('passes the environment and stdin', async () => {
    const res = await execCommand(client, NAME, ['sh', '-c', 'printf "%s:" "$GREETING"; cat'], {
      environment: { GREETING: 'hello' },
      stdin: Buffer.from('from stdin'),
    });
    expect(res.exitCode).toBe(0);
    expect(res.stdout.toString('utf8')).toBe('hello:from stdin');
  });

  it('moves 1 MiB of random bytes unchanged', async () => {
    const made = await execCommand(client, NAME, ['sh', '-c', 'head -c 1048576 /dev/urandom > /tmp/random.bin && sha256sum /tmp/random.bin']);
    expect(made.exitCode).toBe(0);
    const inside = made.stdout.toString('utf8').split(/\s+/)[0];
    expect(inside).toMatch(/^[0-9a-f]{64}$/);

    const read = await execCommand(client, NAME, ['cat', '/tmp/random.bin']);
    expect(read.exitCode).toBe(0);
    expect(read.stderr.length).toBe(0);
    expect(read.stdout.length).toBe(1048576);
    expect(createHash('sha256').update(read.stdout).digest('hex')).toBe(inside);
  });
});
