import { mkdir, readFile, rename, writeFile, chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { homedir } from 'node:os';
import type { SecretCipher } from './cipher.js';
import { envNameProblem } from '../../../shared/templates.js';
import { secretValueProblem, type SecretInfo, type SecretsInfo } from '../../../shared/secrets.js';

export const MAX_SECRETS_STORED = 200;

export class SecretRefused extends Error {}

/** A path under the user's home as ~/…, as the user would type it. */
export function homeRelative(path: string, home = homedir()): string {
  return home && home !== '/' && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

interface SecretsFile {
  version: 1;
  encrypted: boolean;
  secrets: Record<string, { value: string; updatedAt: number }>;
}

/**
 * API keys and tokens, entered once, kept in one file (mode 0600) in the config folder,
 * each value sealed by the cipher. Values leave this class only through `values()`, for the
 * moment a template's command starts; nothing here logs them.
 */
export class SecretStore {
  private cached: SecretsFile | null = null;
  private writing: Promise<unknown> = Promise.resolve();
  private writes = 0;

  constructor(
    readonly path: string,
    private readonly cipher: SecretCipher,
  ) {}

  get encrypted(): boolean {
    return this.cipher.encrypted;
  }

  /** The list as the renderer sees it, with a sentence on how the values are kept. */
  async info(): Promise<SecretsInfo> {
    const where = homeRelative(this.path);
    return {
      encrypted: this.cipher.encrypted,
      storage: this.cipher.describe
        ? this.cipher.describe(where)
        : this.cipher.encrypted
        ? `Encrypted with the system keychain (Electron safeStorage), in ${where}.`
        : `Not encrypted: browser mode has no keychain to ask, so the values are in ${where}, readable only by your user (mode 0600). The desktop app encrypts them.`,
      secrets: await this.list(),
    };
  }

  async list(): Promise<SecretInfo[]> {
    const file = await this.load();
    return Object.entries(file.secrets)
      .map(([name, s]) => ({ name, updatedAt: s.updatedAt }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async names(): Promise<Set<string>> {
    return new Set(Object.keys((await this.load()).secrets));
  }

  /** The values of the named secrets that are set (for injection at start only). */
  async values(names: readonly string[]): Promise<Record<string, string>> {
    const file = await this.load();
    const out: Record<string, string> = {};
    for (const name of names) {
      const s = file.secrets[name];
      if (s) out[name] = this.cipher.decrypt(Buffer.from(s.value, 'base64'));
    }
    return out;
  }

  set(name: string, value: string): Promise<SecretInfo> {
    const nameProblem = envNameProblem(name);
    if (nameProblem) return Promise.reject(new SecretRefused(nameProblem));
    const valueProblem = secretValueProblem(value);
    if (valueProblem) return Promise.reject(new SecretRefused(valueProblem));
    return this.change((file) => {
      if (!file.secrets[name] && Object.keys(file.secrets).length >= MAX_SECRETS_STORED) {
        throw new SecretRefused(`At most ${MAX_SECRETS_STORED} secrets.`);
      }
      const updatedAt = Date.now();
      file.secrets[name] = { value: this.cipher.encrypt(value).toString('base64'), updatedAt };
      return { name, updatedAt };
    });
  }

  delete(name: string): Promise<void> {
    return this.change((file) => {
      if (!file.secrets[name]) throw new SecretRefused(`There is no secret ${name.slice(0, 128)}.`);
      delete file.secrets[name];
    });
  }

  private change<T>(edit: (file: SecretsFile) => T): Promise<T> {
    const run = this.writing.then(async () => {
      const file = structuredClone(await this.load());
      const result = edit(file);
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.${process.pid}.${++this.writes}.tmp`;
      await writeFile(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.path);
      this.cached = file;
      return result;
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<SecretsFile> {
    if (this.cached) return this.cached;
    let text: string | null = null;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretRefused(`The secrets file ${this.path} cannot be read: ${(err as Error).message}`);
    }
    if (text === null) return (this.cached = { version: 1, encrypted: this.cipher.encrypted, secrets: {} });
    let parsed: SecretsFile;
    try {
      parsed = JSON.parse(text) as SecretsFile;
    } catch {
      throw new SecretRefused(`The secrets file ${this.path} is not valid JSON; Enclave leaves it as it is. Move it away to start afresh.`);
    }
    if (parsed.version !== 1 || typeof parsed.secrets !== 'object' || parsed.secrets === null) {
      throw new SecretRefused(`The secrets file ${this.path} is not one Enclave wrote; Enclave leaves it as it is.`);
    }
    if (parsed.encrypted !== this.cipher.encrypted) {
      throw new SecretRefused(
        parsed.encrypted
          ? `The secrets in ${this.path} were encrypted by the desktop app; browser mode cannot decrypt them. Open the desktop app, or move the file away.`
          : `The secrets in ${this.path} were stored unencrypted by browser mode; enter them again here to encrypt them (move the file away first).`,
      );
    }
    return (this.cached = parsed);
  }
}
