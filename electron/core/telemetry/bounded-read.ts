import { open } from 'node:fs/promises';

/** A file was longer than the bound: it is not read further, nor parsed. */
export const TOO_BIG = Symbol('too big');

/**
 * Reads a file of at most `maxBytes` asynchronously (/proc and /sys files report no size, so
 * it reads until EOF or past the bound). A longer file is TOO_BIG, a missing or unreadable one
 * null. For per-agent /proc files, whose size the agent decides (its interfaces, its mounts):
 * the read never blocks the main thread and never takes more than the bound.
 */
export async function readBounded(path: string, maxBytes: number): Promise<string | typeof TOO_BIG | null> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let used = 0;
    while (used < buf.length) {
      const { bytesRead } = await file.read(buf, used, buf.length - used, null);
      if (bytesRead === 0) break;
      used += bytesRead;
    }
    return used > maxBytes ? TOO_BIG : buf.toString('utf8', 0, used);
  } catch {
    return null;
  } finally {
    await file.close().catch(() => undefined);
  }
}
