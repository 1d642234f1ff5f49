import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGENT_IMAGE, until, useTestProject } from '../test-support/project.js';
import { ExecLimitError, execCommand } from './exec.js';
import { changeState, createInstance } from './instances.js';

describe('execCommand with a stream on stdin (the real daemon)', () => {
  const project = useTestProject();
  const name = 'stdin-stream';

  beforeAll(async () => {
    await createInstance(project.client, { name, source: { type: 'image', alias: AGENT_IMAGE } });
    await changeState(project.client, name, 'start');
  }, 120_000);

  it('delivers every byte of a stream far larger than its buffers, in order', async () => {
    const hash = createHash('sha256');
    async function* source() {
      for (let i = 0; i < 48; i++) {
        const chunk = randomBytes(1024 * 1024);
        hash.update(chunk);
        yield chunk;
      }
    }
    const r = await execCommand(project.client, name, ['sh', '-c', 'sha256sum | cut -d" " -f1'], { stdinStream: source(), timeoutMs: 120_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString().trim()).toBe(hash.digest('hex'));
  });

  it('is bounded by the timeout while a command that never reads holds the stream back', async () => {
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced += 1024 * 1024;
        yield Buffer.alloc(1024 * 1024);
      }
    }
    const err = await execCommand(project.client, name, ['sleep', '600'], { stdinStream: endless(), timeoutMs: 3_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecLimitError);
    expect((err as ExecLimitError).limit).toBe('timeout');
    // Backpressure: the source was not read without end while nothing drained it.
    expect(produced).toBeLessThan(512 * 1024 * 1024);
    // …and the command was killed.
    await until('the command is gone', async () => (await execCommand(project.client, name, ['sh', '-c', 'pgrep -f "^sleep 600$" || echo none'])).stdout.toString().trim() === 'none');
  });
});
