/**
 * The servers the user added in Enclave, and the incus CLI remotes they hid, in
 * <configDir>/servers.json (0600, written atomically). A broken file is reported and kept
 * aside, never a crash: Enclave then starts from no added servers and says so.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { serverNameProblem } from '../../../shared/servers.js';

export const SERVERS_FILE = 'servers.json';
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_SERVERS = 256;

const storedServerSchema = z.object({
  name: z.string().refine((n) => serverNameProblem(n) === null, 'not a server name'),
  address: z.string().regex(/^https:\/\/\S+:[0-9]{1,5}$/),
  serverCertPem: z.string().includes('-----BEGIN CERTIFICATE-----').max(64 * 1024),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** ISO time. */
  addedAt: z.string(),
});
export type StoredServer = z.infer<typeof storedServerSchema>;

const fileSchema = z.object({
  version: z.literal(1),
  servers: z.array(storedServerSchema).max(MAX_SERVERS),
  hiddenCliRemotes: z.array(z.string().max(256)).max(1024),
});
type ServersFile = z.infer<typeof fileSchema>;

export interface ServersState {
  servers: StoredServer[];
  hiddenCliRemotes: string[];
  /** Why servers.json could not be used (it was moved aside); null when it was fine or absent. */
  problem: string | null;
}

export class ServerStore {
  readonly path: string;
  private cached: ServersState | null = null;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(configDir: string) {
    this.path = join(configDir, SERVERS_FILE);
  }

  async load(): Promise<ServersState> {
    if (this.cached) return this.cached;
    this.cached = await this.read();
    return this.cached;
  }

  /** Applies `edit` to a copy and writes it; edits run one at a time. */
  change<T>(edit: (state: ServersFile) => T): Promise<T> {
    const run = this.writing.then(async () => {
      const current = await this.load();
      const file: ServersFile = structuredClone({ version: 1, servers: current.servers, hiddenCliRemotes: current.hiddenCliRemotes });
      const result = edit(file);
      const valid = fileSchema.parse(file);
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, JSON.stringify(valid, null, 2) + '\n', { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.path);
      this.cached = { servers: valid.servers, hiddenCliRemotes: valid.hiddenCliRemotes, problem: current.problem };
      return result;
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<ServersState> {
    const empty = (problem: string | null): ServersState => ({ servers: [], hiddenCliRemotes: [], problem });
    let buf: Buffer;
    try {
      buf = await readFile(this.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return empty(null);
      return empty(`Enclave's list of added servers (${this.path}) cannot be read (${code ?? (err as Error).message}); no added servers are shown.`);
    }
    let why: string | null = null;
    let parsed: ServersFile | null = null;
    if (buf.length > MAX_FILE_BYTES) why = `is ${buf.length} bytes, far more than a list of servers`;
    else {
      let json: unknown;
      try {
        json = JSON.parse(buf.toString('utf8'));
      } catch {
        why = 'is not valid JSON';
      }
      if (why === null) {
        const result = fileSchema.safeParse(json);
        if (result.success) parsed = result.data;
        else why = `is not a list Enclave wrote (${result.error.issues[0]?.path.join('.') || 'top level'}: ${result.error.issues[0]?.message ?? 'invalid'})`;
      }
    }
    if (parsed) return { servers: parsed.servers, hiddenCliRemotes: parsed.hiddenCliRemotes, problem: null };
    // Kept aside rather than overwritten by the next change, so nothing the user had is lost.
    const aside = `${this.path}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const moved = await rename(this.path, aside).then(
      () => true,
      () => false,
    );
    return empty(
      `Enclave's list of added servers ${why}; ${moved ? `it was moved to ${aside} and` : 'it'} Enclave starts with no added servers. Add them again, or repair the file.`,
    );
  }
}
