/**
 * The hosts the user agreed to open links to, in a small JSON file (0600, written atomically).
 * Bounded: the oldest are forgotten past MAX_OPENED_HOSTS. A missing, oversized or broken file
 * is no hosts (the user is asked again), never a crash.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export const MAX_OPENED_HOSTS = 500;
/** Far above 500 hosts of the longest kind; a bigger file is not one Enclave wrote. */
const MAX_FILE_BYTES = 256 * 1024;
/** A hostname is at most 253 characters; a port adds 6. */
const MAX_HOST_LENGTH = 260;

/** A URL's `host` as the WHATWG parser writes it (lower case, punycode, non-default port). */
export function isUrlHost(host: string): boolean {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return false;
  return ['http:', 'https:'].some((scheme) => {
    try {
      return new URL(`${scheme}//${host}/`).host === host;
    } catch {
      return false;
    }
  });
}

const fileSchema = z.object({
  version: z.literal(1),
  hosts: z.array(z.string().refine(isUrlHost, 'not a host')).max(MAX_OPENED_HOSTS),
});

export class OpenedHosts {
  /** Oldest first. */
  private loaded: Promise<string[]> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly max: number = MAX_OPENED_HOSTS,
  ) {}

  async has(host: string): Promise<boolean> {
    return (await this.load()).includes(host);
  }

  /**
   * Remembers `host` (in memory as soon as this resolves or rejects) and writes the file;
   * rejects if the file could not be written (the host is still remembered for this run).
   */
  async remember(host: string): Promise<void> {
    if (!isUrlHost(host)) throw new Error(`not a host: ${JSON.stringify(host.slice(0, 80))}`);
    const hosts = await this.load();
    if (hosts.includes(host)) return;
    hosts.push(host);
    if (hosts.length > this.max) hosts.splice(0, hosts.length - this.max);
    const snapshot = { version: 1 as const, hosts: [...hosts] };
    const write = this.writing.then(() => this.write(snapshot));
    this.writing = write.catch(() => undefined);
    await write;
  }

  private load(): Promise<string[]> {
    this.loaded ??= this.read();
    return this.loaded;
  }

  private async read(): Promise<string[]> {
    let text: string;
    try {
      // Non-blocking so that a FIFO in its place cannot hang every link.
      const handle = await open(this.file, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const info = await handle.stat();
        if (!info.isFile() || info.size > MAX_FILE_BYTES) return [];
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return [];
    }
    if (text.length > MAX_FILE_BYTES) return [];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return [];
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) return [];
    return [...new Set(parsed.data.hosts)].slice(-this.max);
  }

  private async write(snapshot: z.infer<typeof fileSchema>): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(snapshot, null, 2) + '\n', { mode: 0o600 });
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}
