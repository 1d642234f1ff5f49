import { readFile, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UPLOADS, Uploads } from './uploads.js';

describe('image uploads in pieces', () => {
  let uploads = new Uploads();
  afterEach(async () => {
    await uploads.dropAll();
    uploads = new Uploads();
  });

  it('writes the pieces in order into a private file and hands it over once complete', async () => {
    const { id } = await uploads.begin('x.tar', 6, null);
    await uploads.chunk(id, 0, new Uint8Array([1, 2, 3]));
    await expect(uploads.finish(id)).rejects.toThrow(/has 3 of its 6 bytes/);
    await uploads.chunk(id, 3, new Uint8Array([4, 5, 6]));
    const done = await uploads.finish(id);
    expect([...(await readFile(done.path))]).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await stat(done.path)).mode & 0o777).toBe(0o600);
    await done.discard();
    await expect(stat(done.path)).rejects.toThrow();
    await expect(uploads.chunk(id, 6, new Uint8Array([7]))).rejects.toThrow(/No such upload/);
  });

  it('refuses a piece out of order or past the declared size', async () => {
    const { id } = await uploads.begin('x.tar', 4, null);
    await expect(uploads.chunk(id, 2, new Uint8Array([1]))).rejects.toThrow(/expects byte 0 next/);
    await expect(uploads.chunk(id, 0, new Uint8Array(5))).rejects.toThrow(/declared as 4 bytes/);
  });

  it('runs a few at once, and drops those of a window that went away', async () => {
    const ids = [];
    for (let i = 0; i < MAX_UPLOADS; i++) ids.push((await uploads.begin('x', 1, 'w1')).id);
    await expect(uploads.begin('x', 1, 'w2')).rejects.toThrow(/At most 2/);
    uploads.dropOwnedBy('w1');
    await new Promise((r) => setTimeout(r, 50));
    await expect(uploads.chunk(ids[0] as string, 0, new Uint8Array(1))).rejects.toThrow(/No such upload/);
    await uploads.begin('x', 1, 'w2');
  });

  it('drops an upload left idle', async () => {
    uploads = new Uploads(30);
    const { id } = await uploads.begin('x', 2, null);
    await new Promise((r) => setTimeout(r, 120));
    await expect(uploads.chunk(id, 0, new Uint8Array(1))).rejects.toThrow(/No such upload/);
  });
});
