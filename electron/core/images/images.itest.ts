import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/api.js';
import { IMAGE_PROPS } from '../../../shared/images.js';
import type { AgentTemplate } from '../../../shared/templates.js';
import type { Agent, ImageBuild, ImageBuildLog, ImageImportProgress, ImageInfo, MissingImage } from '../../../shared/types.js';
import { getAlias, getImage, listImages } from '../../incus/images.js';
import { BUILTIN_TEMPLATES } from '../templates/builtin.js';
import { testBackend } from '../../test-support/backend.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../../test-support/project.js';
import { dispatch } from '../../transport/dispatch.js';
import type { Backend } from '../backend.js';

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}
function refused(reply: Reply): { code: string; message: string } {
  if (reply.ok) throw new Error('expected a refusal, got success');
  return reply.error;
}

const NO_NETWORK = { mode: 'none', allow: [], ingress: '', egress: '' } as const;

describe('agent images against the real daemon', () => {
  const project = useTestProject();
  let backend: Backend;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const tag = suffix();
  const alias = `enclave-it-img-${tag}`;
  /** Fingerprints of images this file made: deleted at teardown, whatever happened. */
  const made = new Set<string>();
  let protectedFp = '';
  const logs: ImageBuildLog[] = [];
  const states: ImageBuild[] = [];
  const progress: ImageImportProgress[] = [];
  let built: ImageBuild;

  const ended = (id: string) =>
    until(
      `build ${id} to end`,
      () => states.find((s) => s.id === id && ['done', 'failed', 'cancelled'].includes(s.state)),
      240_000,
    );

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'img'));
    backend.events.on('images.buildLog', (l) => logs.push(l));
    backend.events.on('images.build', (b) => states.push(b));
    backend.events.on('images.importProgress', (p) => progress.push(p));
    backend.start();
    await backend.ready(15_000);
    const base = await getAlias(project.client, AGENT_IMAGE);
    if (!base) throw new Error(`the test needs the ${AGENT_IMAGE} image (scripts/setup-incus.sh)`);
    protectedFp = base.target;
    project.defer(async () => {
      for (const img of await listImages(project.client)) {
        if (img.aliases.some((a) => a.name.startsWith(`enclave-it-img-${tag}`))) made.add(img.fingerprint);
      }
      for (const fp of made) {
        if (fp === protectedFp) continue; // never the shared agent image
        await incus('image', 'delete', fp).catch(() => undefined);
      }
    });
  });

  it('builds an image with a script that needs no network, streaming its log, and deletes the builder', async () => {
    const script = [
      'set -e',
      'echo "first line of the build"',
      'echo built-by-test > /etc/enclave-image-test',
      'sleep 1',
      'echo "second line of the build"',
      '',
    ].join('\n');
    const started = ok<ImageBuild>(await call('images.build', { alias, version: '1.2.3', installs: [], script, network: NO_NETWORK }));
    expect(started.state).toBe('starting');
    expect(started.log).toBe(''); // every line comes once, as images.buildLog
    expect(started.builder).toMatch(/^build-enclave-it-img-/);
    const builder = started.builder as string;
    built = await ended(started.id);
    expect(built.state, built.error ?? '').toBe('done');
    expect(built.builder).toBeNull();
    const fp = built.fingerprint as string;
    made.add(fp);

    // The log came while the script ran: the first line before the build was publishing.
    const mine = logs.filter((l) => l.id === started.id);
    const firstAt = mine.findIndex((l) => l.text.includes('first line of the build'));
    expect(firstAt).toBeGreaterThanOrEqual(0);
    const log = mine.map((l) => l.text).join('');
    expect(log).toContain('second line of the build');
    expect(log).not.toContain('\x1e'); // the line markers never show
    expect(log.match(/Creating the builder/g)).toHaveLength(1);
    const kept = ok<ImageBuild[]>(await call('images.builds')).find((b) => b.id === started.id);
    expect(kept?.log).toContain('first line of the build');
    expect(states.filter((s) => s.id === started.id).map((s) => s.state)).toEqual(expect.arrayContaining(['running', 'publishing', 'done']));

    // Published under the alias with the version property; the builder is gone.
    const image = await getImage(project.client, fp);
    expect(image.aliases.map((a) => a.name)).toContain(alias);
    expect(image.properties[IMAGE_PROPS.version]).toBe('1.2.3');
    expect((await incus('list', '--project', project.name, '-c', 'n', '-f', 'csv')).split('\n')).not.toContain(builder);
    const listed = ok<ImageInfo[]>(await call('images.list')).find((i) => i.fingerprint === fp);
    expect(listed).toMatchObject({ version: '1.2.3', usedBy: [], aliases: [alias] });
  });

  it('shows the failing line and its output, and keeps the builder until dismissed', async () => {
    const script = ['set -e', 'echo "an earlier line"', 'sh -c "echo about to fail; echo on stderr >&2; exit 7"', 'echo never printed', ''].join('\n');
    const started = ok<ImageBuild>(await call('images.build', { alias: `${alias}-bad`, installs: [], script, network: NO_NETWORK }));
    const failed = await ended(started.id);
    expect(failed.state).toBe('failed');
    expect(failed.exitCode).toBe(7);
    expect(failed.failedLine).toMatchObject({ line: 3, text: 'sh -c "echo about to fail; echo on stderr >&2; exit 7"' });
    expect(failed.failedLine?.output).toContain('about to fail');
    expect(failed.failedLine?.output).toContain('on stderr');
    expect(failed.failedLine?.output).not.toContain('an earlier line');
    expect(failed.error).toMatch(/line 3 with exit code 7/);
    const builder = failed.builder as string;
    expect(builder).toBeTruthy();
    expect((await incus('list', '--project', project.name, '-c', 'n', '-f', 'csv')).split('\n')).toContain(builder);
    expect(ok<ImageBuild[]>(await call('images.builds')).find((b) => b.id === started.id)?.log).toContain('about to fail');
    expect(await getAlias(project.client, `${alias}-bad`)).toBeNull();

    ok(await call('images.dismissBuild', { id: started.id }));
    expect((await incus('list', '--project', project.name, '-c', 'n', '-f', 'csv')).split('\n')).not.toContain(builder);
    expect(ok<ImageBuild[]>(await call('images.builds')).some((b) => b.id === started.id)).toBe(false);
  });

  it('cancels a running build, keeping the builder until dismissed; a new backend lists a builder it did not start', async () => {
    const script = ['echo "waiting"', 'sleep 60', 'echo "not reached"', ''].join('\n');
    const started = ok<ImageBuild>(await call('images.build', { alias: `${alias}-cancel`, installs: [], script, network: NO_NETWORK }));
    await until('the script to run', () => logs.some((l) => l.id === started.id && l.text.includes('waiting')), 60_000);
    ok(await call('images.cancelBuild', { id: started.id }));
    const cancelled = await ended(started.id);
    expect(cancelled.state).toBe('cancelled');
    const builder = cancelled.builder as string;
    expect((await incus('list', '--project', project.name, '-c', 'n', '-f', 'csv')).split('\n')).toContain(builder);
    expect(refused(await call('images.dismissBuild', { id: '00000000-0000-0000-0000-000000000000' })).code).toBe('not-found');

    // Another backend (Enclave restarted): the builder shows as a build that can be dismissed.
    const { backend: other } = await testBackend(project, 'img2');
    other.start();
    await other.ready(15_000);
    const adopted = await until('the orphan builder to be listed', () => other.local.images.builder.list().find((b) => b.builder === builder), 15_000);
    expect(adopted).toMatchObject({ state: 'failed', alias: `${alias}-cancel` });
    expect(adopted.error).toMatch(/restarted/);
    ok(await dispatch(other.handlers, 'images.dismissBuild', { id: adopted.id }));
    expect((await incus('list', '--project', project.name, '-c', 'n', '-f', 'csv')).split('\n')).not.toContain(builder);
  });

  it('stops a script that floods its log or runs too long, keeping the log bounded', async () => {
    const limits = backend.local.images.builder.limits;
    backend.local.images.builder.limits = { timeoutMs: 4_000, maxOutputBytes: 2 * 1024 * 1024 };
    try {
      const flood = ok<ImageBuild>(await call('images.build', { alias: `${alias}-flood`, installs: [], script: 'yes "flood of output"\n', network: NO_NETWORK }));
      const flooded = await ended(flood.id);
      expect(flooded.state).toBe('failed');
      expect(flooded.error).toMatch(/printed more than 2 MiB and was stopped/);
      const events = logs.filter((l) => l.id === flood.id);
      expect(Math.max(...events.map((l) => l.text.length))).toBeLessThanOrEqual(64 * 1024 + 200);
      const kept = ok<ImageBuild[]>(await call('images.builds')).find((b) => b.id === flood.id);
      expect(kept?.log.length).toBeLessThanOrEqual(512 * 1024 + 100);
      expect(kept?.log).toContain('earlier characters not kept');
      ok(await call('images.dismissBuild', { id: flood.id }));

      const slow = ok<ImageBuild>(await call('images.build', { alias: `${alias}-slow`, installs: [], script: 'echo started\nsleep 60\n', network: NO_NETWORK }));
      const timedOut = await ended(slow.id);
      expect(timedOut.state).toBe('failed');
      expect(timedOut.error).toMatch(/did not finish within 4 s and was stopped/);
      expect(timedOut.builder).toBeTruthy();
      ok(await call('images.dismissBuild', { id: slow.id }));
    } finally {
      backend.local.images.builder.limits = limits;
    }
  });

  it('refuses to delete an image while an agent uses it, naming the agent', async () => {
    const fp = built.fingerprint as string;
    const agent = `img-user-${tag}`;
    const created = ok<Agent>(await call('agents.create', { name: agent, image: alias, network: NO_NETWORK }));
    expect(created.status).toBe('Running');
    expect(await incus('exec', agent, '--project', project.name, '--', 'cat', '/etc/enclave-image-test')).toBe('built-by-test\n');
    const listed = ok<ImageInfo[]>(await call('images.list')).find((i) => i.fingerprint === fp);
    expect(listed?.usedBy).toEqual([agent]);

    const refusal = refused(await call('images.delete', { fingerprint: fp }));
    expect(refusal.code).toBe('conflict');
    expect(refusal.message).toContain(`the agent ${agent}`);
    expect(await getImage(project.client, fp)).toBeTruthy();

    ok(await call('agents.delete', { name: agent }));
    // Kept for the import test: exported before it is deleted.
  });

  it('imports a tarball from a path and from an upload in pieces, with progress', async () => {
    const fp = built.fingerprint as string;
    const dir = await mkdtemp(join(tmpdir(), 'enclave-img-it-'));
    project.defer(() => rm(dir, { recursive: true, force: true }));
    await incus('image', 'export', fp, join(dir, 'image'));
    const file = join(dir, (await readdir(dir))[0] as string);
    const size = (await stat(file)).size;

    ok(await call('images.delete', { fingerprint: fp }));
    await until('the image to go', async () => !(await listImages(project.client)).some((i) => i.fingerprint === fp));

    const fromPath = ok<ImageInfo>(await call('images.import', { source: { path: file }, alias: `${alias}-back` }));
    made.add(fromPath.fingerprint);
    expect(fromPath.fingerprint).toBe(fp);
    expect(fromPath.aliases).toContain(`${alias}-back`);
    expect(fromPath.version).toBe('1.2.3');
    expect(progress.filter((p) => p.id === file).map((p) => p.stage)).toEqual(expect.arrayContaining(['importing', 'done']));

    // The same again, now as a window would send it.
    const again = refused(await call('images.import', { source: { path: file } }));
    expect(again.code).toBe('conflict');
    ok(await call('images.delete', { fingerprint: fp }));
    await until('the image to go', async () => !(await listImages(project.client)).some((i) => i.fingerprint === fp));

    const bytes = await readFile(file);
    const { id } = ok<{ id: string }>(await call('images.uploadBegin', { name: 'image.tar.gz', size }));
    const piece = 64 * 1024;
    const outOfOrder = refused(await call('images.uploadChunk', { id, offset: piece, data: new Uint8Array(bytes.subarray(piece, 2 * piece)) }));
    expect(outOfOrder.message).toMatch(/expects byte 0 next/);
    for (let at = 0; at < size; at += piece) {
      ok(await call('images.uploadChunk', { id, offset: at, data: new Uint8Array(bytes.subarray(at, Math.min(size, at + piece))) }));
    }
    const uploaded = ok<ImageInfo>(await call('images.import', { source: { upload: id }, alias: `${alias}-up` }));
    made.add(uploaded.fingerprint);
    expect(uploaded.fingerprint).toBe(fp);
    expect(uploaded.aliases).toContain(`${alias}-up`);
    expect(progress.filter((p) => p.id === id).at(-1)?.stage).toBe('done');
    // The upload's file is gone once imported.
    expect(refused(await call('images.import', { source: { upload: id } })).code).toBe('not-found');
  });

  it('refuses what is not an image tarball with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enclave-img-it-'));
    project.defer(() => rm(dir, { recursive: true, force: true }));
    const junk = join(dir, 'junk.tar');
    await writeFile(junk, 'this is not a tarball');
    const r = refused(await call('images.import', { source: { path: junk } }));
    expect(r.message).toMatch(/not an image tarball|Incus said/);
  });

  it('says which templates name an image Incus lacks', async () => {
    const missingAlias = `${alias}-absent`;
    const templates: AgentTemplate[] = [
      { ...(BUILTIN_TEMPLATES[0] as AgentTemplate), id: 'here', image: AGENT_IMAGE },
      { ...(BUILTIN_TEMPLATES[1] as AgentTemplate), id: 'gone-a', image: missingAlias, installs: ['claude-code'] },
      { ...(BUILTIN_TEMPLATES[2] as AgentTemplate), id: 'gone-b', image: missingAlias, installs: ['codex'] },
    ];
    backend.local.images.templates = async () => templates;
    expect(ok<MissingImage[]>(await call('images.missing'))).toEqual([{ image: missingAlias, templates: ['gone-a', 'gone-b'], installs: ['claude-code', 'codex'] }]);
  });

  it('checks build arguments at the boundary', async () => {
    const bad = refused(await call('images.build', { alias: 'has space', installs: [] }));
    expect(bad.code).toBe('invalid-arguments');
    expect(bad.message).toMatch(/alias/);
    expect(refused(await call('images.build', { alias, installs: ['vim'] })).message).toMatch(/A CLI is one of/);
    expect(refused(await call('images.build', { alias, installs: [], base: `${alias}-nothing`, script: 'true', network: NO_NETWORK })).code).toBe('not-found');
    expect(refused(await call('images.import', { source: { path: 'relative.tar' } })).message).toMatch(/absolute path/);
  });
});
