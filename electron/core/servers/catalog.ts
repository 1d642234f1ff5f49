/**
 * Every remote server Enclave knows and how to reach it: the incus CLI's remotes (unless the
 * user hid them) with the CLI's client certificate when it has a usable one, and the servers
 * added in Enclave, with Enclave's own. Adding a server pins exactly the certificate the user
 * confirmed (by fingerprint, or by the trust token's fingerprint); a server presenting
 * another is refused and nothing is stored.
 */
import { EnclaveError } from '../../../shared/errors.js';
import { LOCAL_SERVER, serverNameProblem, type ServerInfo, type ServerProbe } from '../../../shared/servers.js';
import { certFingerprint, type Endpoint, type TlsIdentity } from '../../incus/endpoint.js';
import { toDisposable, type Disposable } from '../disposable.js';
import type { SecretCipher } from '../secrets/cipher.js';
import { normaliseAddress } from './address.js';
import { cliConfigDir as defaultCliConfigDir, readCliIdentity, readCliRemotes } from './cli-config.js';
import { loadOrCreateIdentity, type ClientIdentity } from './client-identity.js';
import { ServerProblem } from './server-problem.js';
import { ServerStore, type StoredServer } from './server-store.js';
import { PROBE_TIMEOUT_MS, decodeTrustToken, joinWithToken, probeServer, readServerAuth } from './trust.js';

export interface ServerEntry {
  name: string;
  source: 'cli' | 'enclave';
  /** https://host:port (a CLI remote's address as written when it is not usable). */
  address: string;
  /** How to reach it; null when its configuration is broken (see problem). */
  endpoint: Extract<Endpoint, { kind: 'https' }> | null;
  /** The pinned server certificate's SHA-256; null when none is pinned. */
  fingerprint: string | null;
  clientCertificate: 'enclave' | 'cli';
  problem: { problem: 'config'; message: string } | null;
}

export interface AddServer {
  name: string;
  address: string;
  /** A trust token from `incus config trust add` on that server. */
  token?: string;
  /** The fingerprint the user confirmed from a probe; the client must already be trusted. */
  fingerprint?: string;
}

export class ServerCatalog {
  private readonly store: ServerStore;
  private identity: Promise<ClientIdentity> | null = null;
  private readonly listeners = new Set<(entries: ServerEntry[]) => void>();

  constructor(
    private readonly configDir: string,
    private readonly cipher: SecretCipher,
    /** The incus CLI's config folder whose remotes appear; null for none. */
    private readonly cliConfigDir: string | null = defaultCliConfigDir(),
    private readonly timeoutMs: number = PROBE_TIMEOUT_MS,
  ) {
    this.store = new ServerStore(configDir);
  }

  /** Enclave's own identity, made on first use. */
  private enclaveIdentity(): Promise<ClientIdentity> {
    this.identity ??= loadOrCreateIdentity(this.configDir, this.cipher).catch((err: unknown) => {
      this.identity = null;
      throw err;
    });
    return this.identity;
  }

  /** Enclave's client certificate (public), for `incus config trust add-certificate`. */
  async clientCertificate(): Promise<{ pem: string; fingerprint: string }> {
    const id = await this.enclaveIdentity();
    return { pem: id.certPem, fingerprint: id.fingerprint };
  }

  /** Problems of the files behind the list as a whole (servers.json, the CLI's config.yml). */
  async problems(): Promise<string[]> {
    const [state, cli] = await Promise.all([this.store.load(), readCliRemotes(this.cliConfigDir)]);
    return [state.problem, cli.problem].filter((p): p is string => p !== null);
  }

  /**
   * CLI remotes not hidden, then those added in Enclave; one name appears once (Enclave's
   * wins). A broken file or identity shows on the entries it concerns, never as a throw.
   */
  async entries(): Promise<ServerEntry[]> {
    const [state, cli, enclave] = await Promise.all([
      this.store.load(),
      readCliRemotes(this.cliConfigDir),
      this.enclaveIdentity().catch((err: unknown) => ({ problem: err instanceof Error ? err.message : String(err) })),
    ]);
    const added = new Set(state.servers.map((s) => s.name));
    const hidden = new Set(state.hiddenCliRemotes);
    const visible = cli.remotes.filter((r) => !hidden.has(r.name) && !added.has(r.name) && r.name !== LOCAL_SERVER);
    const cliIdentity = visible.length && this.cliConfigDir !== null ? await readCliIdentity(this.cliConfigDir) : null;
    const cliClient: { identity: TlsIdentity | { problem: string }; which: 'cli' | 'enclave' } =
      cliIdentity && 'certPem' in cliIdentity ? { identity: cliIdentity, which: 'cli' } : { identity: enclave, which: 'enclave' };

    const out: ServerEntry[] = visible.map((r) => {
      const base = { name: r.name, source: 'cli' as const, address: r.address, fingerprint: r.fingerprint, clientCertificate: cliClient.which };
      const client = cliClient.identity;
      const problem = r.problem ?? (r.serverCertPem === null ? 'No pinned server certificate.' : 'problem' in client ? client.problem : null);
      if (problem !== null || r.serverCertPem === null || 'problem' in client) {
        return { ...base, endpoint: null, problem: { problem: 'config' as const, message: problem ?? 'Not usable.' } };
      }
      const { host, port } = normaliseAddress(r.address);
      return { ...base, endpoint: { kind: 'https' as const, host, port, serverCertPem: r.serverCertPem, client }, problem: null };
    });
    for (const s of state.servers) out.push(enclaveEntry(s, enclave));
    return out;
  }

  /** First contact for servers.probe: the certificate to confirm, and whether Enclave is trusted there. */
  async probe(address: string): Promise<ServerProbe> {
    return (await probeServer(address, await this.enclaveIdentity(), this.timeoutMs)).probe;
  }

  /** Called with the new list after every add and remove. */
  onChange(listener: (entries: ServerEntry[]) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /**
   * Adds a server after checking it is the one the user meant: with a token, the server's
   * certificate must be the one the token names, and the token then makes the server trust
   * Enclave; with a fingerprint, the certificate must be the one confirmed and the server
   * must already trust Enclave. Nothing is stored unless every check passed.
   */
  async add(req: AddServer): Promise<ServerEntry> {
    await this.checkNameFree(req.name);
    if ((req.token === undefined) === (req.fingerprint === undefined)) {
      throw new EnclaveError('invalid-arguments', 'Give either a trust token or the fingerprint you confirmed, not both.');
    }
    const { address } = normaliseAddress(req.address);
    const token = req.token !== undefined ? decodeTrustToken(req.token) : null;
    const identity = await this.enclaveIdentity();
    const { probe, serverCertPem } = await probeServer(address, identity, this.timeoutMs);
    const expected = token ? token.fingerprint : (req.fingerprint ?? '').toLowerCase();

    if (probe.fingerprint !== expected) {
      throw new ServerProblem(
        'certificate-changed',
        token
          ? `Refused: ${address} presents a certificate with fingerprint ${probe.fingerprint}, but the trust token was made by a server whose certificate is ${expected}. Enclave did not send the token and stored nothing. Check the address is the server you made the token on; if it is, someone may be in between.`
          : `Refused: ${address} now presents a certificate with fingerprint ${probe.fingerprint}, not ${expected} that you confirmed. Nothing was stored. Probe it again and compare the fingerprint with the server's own (\`incus info\` on it shows its certificate fingerprint).`,
        // The token or the confirmed fingerprint is what does not match: not a clash of names ('conflict', which the form shows on the name).
        'invalid-arguments',
      );
    }
    const { host, port } = normaliseAddress(address);
    const endpoint = { kind: 'https' as const, host, port, serverCertPem, client: identity };

    if (token && probe.auth !== 'trusted') await joinWithToken(endpoint, req.token ?? '', this.timeoutMs);
    const auth = token ? await readServerAuth(endpoint, this.timeoutMs) : probe;
    if (auth.auth !== 'trusted') {
      throw new ServerProblem(
        'untrusted',
        token
          ? `${address} accepted the token but still does not trust Enclave's certificate (fingerprint ${identity.fingerprint}). Nothing was stored.`
          : `${address} does not trust Enclave's client certificate (fingerprint ${identity.fingerprint}) yet. Add the server with a trust token (run \`incus config trust add NAME\` on it), or trust Enclave's certificate there with \`incus config trust add-certificate FILE\` (Enclave shows the certificate to copy), then add it again. Nothing was stored.`,
      );
    }

    const stored: StoredServer = { name: req.name, address, serverCertPem, fingerprint: probe.fingerprint, addedAt: new Date().toISOString() };
    await this.store.change((file) => {
      if (file.servers.some((s) => s.name === req.name)) throw new EnclaveError('conflict', `A server named "${req.name}" was added meanwhile.`);
      file.servers.push(stored);
    });
    await this.changed();
    return enclaveEntry(stored, identity);
  }

  /** Forgets a server added in Enclave; hides a CLI remote (the CLI's config is not touched). */
  async remove(name: string): Promise<void> {
    const [state, cli] = await Promise.all([this.store.load(), readCliRemotes(this.cliConfigDir)]);
    if (state.servers.some((s) => s.name === name)) {
      await this.store.change((file) => {
        file.servers = file.servers.filter((s) => s.name !== name);
      });
    } else if (cli.remotes.some((r) => r.name === name) && !state.hiddenCliRemotes.includes(name)) {
      await this.store.change((file) => {
        if (!file.hiddenCliRemotes.includes(name)) file.hiddenCliRemotes.push(name);
      });
    } else {
      throw new EnclaveError('not-found', `There is no server named "${name.slice(0, 63)}".`);
    }
    await this.changed();
  }

  private async checkNameFree(name: string): Promise<void> {
    const problem = serverNameProblem(name);
    if (problem) throw new EnclaveError('invalid-arguments', problem);
    if (name === LOCAL_SERVER) throw new EnclaveError('invalid-arguments', `"${LOCAL_SERVER}" is the server on this machine's socket; choose another name.`);
    const [state, cli] = await Promise.all([this.store.load(), readCliRemotes(this.cliConfigDir)]);
    if (state.servers.some((s) => s.name === name)) throw new EnclaveError('conflict', `There is already a server named "${name}" added in Enclave.`);
    if (cli.remotes.some((r) => r.name === name) && !state.hiddenCliRemotes.includes(name)) {
      throw new EnclaveError('conflict', `The incus CLI already has a remote named "${name}", which Enclave shows; choose another name (or remove that one from Enclave first).`);
    }
  }

  private async changed(): Promise<void> {
    if (this.listeners.size === 0) return;
    const list = await this.entries();
    for (const l of [...this.listeners]) l(list);
  }
}

function enclaveEntry(s: StoredServer, identity: ClientIdentity | { problem: string }): ServerEntry {
  const base = { name: s.name, source: 'enclave' as const, address: s.address, fingerprint: s.fingerprint, clientCertificate: 'enclave' as const };
  if ('problem' in identity) return { ...base, endpoint: null, problem: { problem: 'config', message: identity.problem } };
  const broken = (why: string): ServerEntry => ({ ...base, endpoint: null, problem: { problem: 'config', message: `${why} Remove the server and add it again.` } });
  let actual: string;
  try {
    actual = certFingerprint(s.serverCertPem);
  } catch {
    return broken(`The pinned certificate stored for "${s.name}" is not a certificate.`);
  }
  if (actual !== s.fingerprint) return broken(`The pinned certificate stored for "${s.name}" is not the one its fingerprint names.`);
  let host: string;
  let port: number;
  try {
    ({ host, port } = normaliseAddress(s.address));
  } catch (err) {
    return broken(`The stored address of "${s.name}" is not usable: ${(err as Error).message}`);
  }
  return { ...base, endpoint: { kind: 'https', host, port, serverCertPem: s.serverCertPem, client: identity }, problem: null };
}

/** The parts of the contract's ServerInfo an entry knows; status and cluster come from its connection. */
export function entryInfo(e: ServerEntry): Omit<ServerInfo, 'status' | 'cluster'> {
  return { name: e.name, address: e.address, source: e.source, fingerprint: e.fingerprint, clientCertificate: e.clientCertificate };
}
