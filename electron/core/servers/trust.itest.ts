/**
 * Trust against a real second incusd listening on 127.0.0.1 over HTTPS: token joins, refused
 * tokens and fingerprints with nothing stored, adding a pre-trusted server by fingerprint,
 * and the incus CLI's config folder read as the CLI would.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainCipher } from '../secrets/cipher.js';
import { SpareIncusd, freePort, spareIncusdSkipReason, testClientIdentity } from '../../test-support/spare-incusd.js';
import { ServerCatalog } from './catalog.js';
import { generateIdentity } from './client-identity.js';
import { ServerProblem } from './server-problem.js';
import { probeServer, readServerAuth } from './trust.js';

const skipped = spareIncusdSkipReason();
if (skipped) {
  describe('server trust', () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
} else {
  describe('server trust', () => {
    let spare: SpareIncusd;
    let https: Awaited<ReturnType<SpareIncusd['listenHttps']>>;
    let root = '';
    let n = 0;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'enclave-trust-it-'));
      spare = await SpareIncusd.create({ poolSize: '1GiB' });
      https = await spare.listenHttps();
    });
    afterAll(async () => {
      await spare?.destroy();
      if (root) await rm(root, { recursive: true, force: true });
    });

    /** A catalog with its own config folder (so its own Enclave identity) and an empty CLI folder. */
    async function freshCatalog(): Promise<{ catalog: ServerCatalog; dir: string; cliDir: string }> {
      const dir = join(root, `enclave-${++n}`);
      const cliDir = join(root, `cli-${n}`);
      await mkdir(cliDir, { recursive: true });
      return { catalog: new ServerCatalog(dir, plainCipher, cliDir), dir, cliDir };
    }

    async function problemOf(p: Promise<unknown>): Promise<Error> {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      if (!(err instanceof Error)) throw new Error('expected a refusal');
      return err;
    }

    function portOf(server: { address(): unknown }): number {
      const addr = server.address();
      return typeof addr === 'object' && addr !== null && 'port' in addr ? Number(addr.port) : 0;
    }

    async function closeAll(server: Server): Promise<void> {
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    }

    function retargeted(token: string, fingerprint: string): string {
      const json = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
      return Buffer.from(JSON.stringify({ ...json, fingerprint })).toString('base64');
    }

    it('joins with a trust token, after which the server trusts Enclave’s own certificate', async () => {
      const { catalog } = await freshCatalog();
      const seen: string[][] = [];
      catalog.onChange((list) => seen.push(list.map((e) => e.name)));
      const token = await spare.trustToken('enclave-join');
      const entry = await catalog.add({ name: 'spare', address: https.address, token });
      expect(entry).toMatchObject({ name: 'spare', source: 'enclave', address: https.address, clientCertificate: 'enclave', problem: null });
      expect(entry.fingerprint).toBe((await probeServer(https.address, (await generateIdentity('x')), 10_000)).probe.fingerprint);
      if (!entry.endpoint) throw new Error('no endpoint');
      expect(entry.endpoint.client.certPem).toBe((await catalog.clientCertificate()).pem);
      expect((await readServerAuth(entry.endpoint)).auth).toBe('trusted');
      expect((await catalog.entries()).map((e) => e.name)).toEqual(['spare']);
      expect(seen).toEqual([['spare']]);
      // The server lists Enclave's certificate under the token's name.
      const trusted = JSON.parse(await spare.incus('config', 'trust', 'list', '--format=json')) as { name: string; fingerprint: string }[];
      expect(trusted).toContainEqual(expect.objectContaining({ name: 'enclave-join', fingerprint: (await catalog.clientCertificate()).fingerprint }));

      // The same token a second time, from another Enclave: refused, nothing stored.
      const other = await freshCatalog();
      const err = await problemOf(other.catalog.add({ name: 'spare', address: https.address, token }));
      expect(err.message).toMatch(/did not accept the trust token: it was already used/);
      expect(await other.catalog.entries()).toEqual([]);
    });

    it('refuses a garbage token before connecting, and a forged one the server does not know', async () => {
      const { catalog } = await freshCatalog();
      expect((await problemOf(catalog.add({ name: 's', address: https.address, token: 'this is no token!' }))).message).toMatch(/not base64/);
      const real = await spare.trustToken('enclave-forge');
      const json = JSON.parse(Buffer.from(real, 'base64').toString('utf8')) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...json, secret: 'f'.repeat(64) })).toString('base64');
      expect((await problemOf(catalog.add({ name: 's', address: https.address, token: forged }))).message).toMatch(/did not accept the trust token/);
      expect(await catalog.entries()).toEqual([]);
    });

    it('refuses a token naming another certificate without sending it, and stores nothing', async () => {
      const { catalog } = await freshCatalog();
      const token = await spare.trustToken('enclave-mismatch');
      const elsewhere = (await generateIdentity('elsewhere')).fingerprint;
      const err = await problemOf(catalog.add({ name: 'spare', address: https.address, token: retargeted(token, elsewhere) }));
      expect(err).toBeInstanceOf(ServerProblem);
      expect((err as ServerProblem).problem).toBe('certificate-changed');
      // Not 'conflict': the add form shows that on the name, and it is the token that is wrong.
      expect((err as ServerProblem).code).toBe('invalid-arguments');
      expect(err.message).toMatch(/Enclave did not send the token and stored nothing/);
      expect(await catalog.entries()).toEqual([]);
      // The secret never reached the server: the real token still works.
      await catalog.add({ name: 'spare', address: https.address, token });
      expect((await catalog.entries()).map((e) => e.name)).toEqual(['spare']);
    });

    it('refuses a fingerprint that is not the server’s, and stores nothing', async () => {
      const { catalog } = await freshCatalog();
      const wrong = (await generateIdentity('other')).fingerprint;
      const err = await problemOf(catalog.add({ name: 'spare', address: https.address, fingerprint: wrong }));
      expect((err as ServerProblem).problem).toBe('certificate-changed');
      expect(err.message).toMatch(/not .* that you confirmed/);
      expect(await catalog.entries()).toEqual([]);
    });

    it('adds by the confirmed fingerprint once Enclave’s certificate is trusted there, and says what to do while it is not', async () => {
      const { catalog } = await freshCatalog();
      const mine = await catalog.clientCertificate();
      const id = await generateIdentity('probe');
      const { probe } = await probeServer(https.address, id);
      expect(probe).toMatchObject({ address: https.address, auth: 'untrusted', serverName: null });
      expect(probe.fingerprint).toMatch(/^[0-9a-f]{64}$/);

      const untrusted = await problemOf(catalog.add({ name: 'spare', address: https.address, fingerprint: probe.fingerprint }));
      expect((untrusted as ServerProblem).problem).toBe('untrusted');
      expect(untrusted.message).toMatch(/does not trust Enclave's client certificate .*trust token.*incus config trust add-certificate/);
      expect(await catalog.entries()).toEqual([]);

      await spare.trustCertificate(mine.pem, 'enclave-pretrusted');
      const entry = await catalog.add({ name: 'spare', address: https.address.replace('https://', ''), fingerprint: probe.fingerprint });
      expect(entry).toMatchObject({ address: https.address, fingerprint: probe.fingerprint, problem: null });
      if (!entry.endpoint) throw new Error('no endpoint');
      const auth = await readServerAuth(entry.endpoint);
      expect(auth.auth).toBe('trusted');
      expect(auth.serverName).toEqual(expect.any(String));

      // Removing forgets it.
      await catalog.remove('spare');
      expect(await catalog.entries()).toEqual([]);
    });

    it('says nothing listens on a wrong port, and that a port without TLS is not Incus', async () => {
      const { catalog } = await freshCatalog();
      const closed = await freePort();
      const refused = await problemOf(catalog.add({ name: 's', address: `127.0.0.1:${closed}`, fingerprint: 'a'.repeat(64) }));
      expect((refused as ServerProblem).problem).toBe('not-responding');
      expect(refused.message).toMatch(/Nothing listens on https:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);

      // Reads (resume) so that it sees the client's close and lets go of the connection.
      const plain: Server = createServer((sock) => sock.resume().end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      try {
        const addr = plain.address();
        const port = typeof addr === 'object' && addr ? addr.port : 0;
        const notTls = await problemOf(catalog.add({ name: 's', address: `127.0.0.1:${port}`, fingerprint: 'a'.repeat(64) }));
        expect((notTls as ServerProblem).problem).toBe('not-incus');
        expect(notTls.message).toMatch(/does not speak TLS/);
      } finally {
        await new Promise((r) => plain.close(r));
      }
      expect(await catalog.entries()).toEqual([]);
    });

    it('says when a port answers nothing in time, or answers HTTPS that is not Incus', async () => {
      const silent: Server = createServer((sock) => sock.resume());
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const dir = join(root, `enclave-${++n}`);
      const quick = new ServerCatalog(dir, plainCipher, join(root, 'no-cli'), 1000);
      try {
        const err = await problemOf(quick.add({ name: 's', address: `127.0.0.1:${portOf(silent)}`, fingerprint: 'a'.repeat(64) }));
        expect((err as ServerProblem).problem).toBe('not-responding');
        expect(err.message).toMatch(/did not complete a TLS handshake within 1 s/);
      } finally {
        await closeAll(silent);
      }

      const web = await testClientIdentity(root, `web-${n}`);
      const other = createHttpsServer({ cert: web.certPem, key: web.keyPem }, (_req, res) => res.end('<html>hello</html>'));
      await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
      try {
        const err = await problemOf(quick.add({ name: 's', address: `127.0.0.1:${portOf(other)}`, fingerprint: 'a'.repeat(64) }));
        expect((err as ServerProblem).problem).toBe('not-incus');
        expect(err.message).toMatch(/answers TLS, but its \/1\.0 is not an Incus server's/);
      } finally {
        await closeAll(other);
      }
      expect(await quick.entries()).toEqual([]);
    });

    it('shows the incus CLI’s remotes with its client certificate; a broken server certificate file affects only its own entry', async () => {
      const { catalog, cliDir } = await freshCatalog();
      const cliId = await testClientIdentity(root, `cli-${n}`);
      await spare.trustCertificate(cliId.certPem, `cli-${n}`);
      await writeFile(join(cliDir, 'client.crt'), cliId.certPem);
      await writeFile(join(cliDir, 'client.key'), cliId.keyPem, { mode: 0o600 });
      await mkdir(join(cliDir, 'servercerts'));
      await writeFile(join(cliDir, 'servercerts', 'spare.crt'), https.serverCertPem);
      await writeFile(join(cliDir, 'servercerts', 'broken.crt'), 'this file was truncated\n');
      await writeFile(
        join(cliDir, 'config.yml'),
        [
          'default-remote: local',
          'remotes:',
          '  images:',
          '    addr: https://images.example',
          '    protocol: simplestreams',
          '    public: true',
          '  local:',
          '    addr: unix://',
          '  spare:',
          `    addr: ${https.address}`,
          '    auth_type: tls',
          '    protocol: incus',
          '  broken:',
          `    addr: ${https.address}`,
          '    protocol: incus',
          '',
        ].join('\n'),
      );
      const entries = await catalog.entries();
      expect(entries.map((e) => e.name)).toEqual(['broken', 'spare']);
      const spareEntry = entries.find((e) => e.name === 'spare');
      const broken = entries.find((e) => e.name === 'broken');
      expect(spareEntry).toMatchObject({ source: 'cli', clientCertificate: 'cli', problem: null, address: https.address });
      if (!spareEntry?.endpoint) throw new Error('no endpoint');
      expect((await readServerAuth(spareEntry.endpoint)).auth).toBe('trusted');
      expect(broken).toMatchObject({ source: 'cli', endpoint: null, problem: { problem: 'config', message: expect.stringMatching(/broken\.crt is not a PEM certificate/) } });

      // Hiding a CLI remote leaves the CLI's config as it was.
      await catalog.remove('broken');
      expect((await catalog.entries()).map((e) => e.name)).toEqual(['spare']);
    });
  });
}
