/**
 * Agent images: the list with the agents using each, delete (refused while used), import of a
 * tarball with progress, builds (builder.ts), and which templates' images are missing.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { EventEmitter } from 'node:events';
import { Transform } from 'node:stream';
import { EnclaveError } from '../../../shared/errors.js';
import type { AgentTemplate } from '../../../shared/templates.js';
import type { ImageBuild, ImageBuildLog, ImageImportProgress, ImageInfo, MissingImage } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { IncusError } from '../../incus/errors.js';
import { deleteImage, getAlias, importImage, listImages, setAlias } from '../../incus/images.js';
import type { Connection } from '../connection.js';
import { BUILTIN_TEMPLATES } from '../templates/builtin.js';
import { ImageBuilder, resolveImage, type BuildRequest, type BuilderNetwork } from './builder.js';
import { MAX_UPLOAD_BYTES, Uploads } from './uploads.js';
import { deleteRefusal, imageUsage, toImageInfos, type InstanceRef } from './usage.js';

interface Events {
  changed: [ImageInfo[]];
  build: [ImageBuild];
  buildLog: [ImageBuildLog];
  importProgress: [ImageImportProgress];
}

/** Every instance of every project: an image is the server's, whoever uses it. */
function allInstances(client: IncusClient): Promise<InstanceRef[]> {
  return client.get<InstanceRef[]>('/1.0/instances', { query: { recursion: '1', 'all-projects': 'true' }, project: null });
}

const PROGRESS_EVERY_BYTES = 4 * 1024 * 1024;

export class ImageService extends EventEmitter<Events> {
  readonly builder: ImageBuilder;
  readonly uploads = new Uploads();
  /** Where templates come from (the lead's template store replaces the built-ins). */
  templates: () => Promise<readonly AgentTemplate[]> = async () => BUILTIN_TEMPLATES;
  private relist: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly project: string,
    network: BuilderNetwork,
  ) {
    super();
    this.builder = new ImageBuilder(connection, network);
    this.builder.on('build', (b) => this.emit('build', b));
    this.builder.on('log', (l) => this.emit('buildLog', l));
    this.builder.on('published', () => this.changedSoon());
    connection.on('ready', (client) => void this.builder.adoptOrphans(client).catch(() => undefined));
    // Another client's image changes (and agents made or deleted, which change usage).
    connection.on('event', (e) => {
      if (e.type !== 'lifecycle') return;
      const a = e.metadata.action;
      if (a.startsWith('image-') || a === 'instance-created' || a === 'instance-deleted') this.changedSoon();
    });
  }

  private changedSoon(): void {
    this.relist ??= setTimeout(() => {
      this.relist = null;
      if (this.connection.status.state !== 'connected') return;
      void this.list().then((images) => this.emit('changed', images), () => undefined);
    }, 300);
  }

  async list(): Promise<ImageInfo[]> {
    const client = this.connection.requireClient();
    const [images, instances] = await Promise.all([listImages(client), allInstances(client)]);
    return toImageInfos(images, imageUsage(instances, this.project));
  }

  /** Deletes an image nothing uses; refused, naming the users, otherwise. */
  async delete(fingerprint: string): Promise<void> {
    const client = this.connection.requireClient();
    const [images, instances] = await Promise.all([listImages(client), allInstances(client)]);
    const matches = images.filter((i) => i.fingerprint.startsWith(fingerprint));
    if (matches.length === 0) throw new EnclaveError('not-found', `There is no image ${fingerprint.slice(0, 12)}.`);
    if (matches.length > 1) throw new EnclaveError('invalid-arguments', `${fingerprint} names ${matches.length} images; give more of the fingerprint.`);
    const image = matches[0] as (typeof images)[number];
    const refusal = deleteRefusal(
      { aliases: image.aliases.map((a) => a.name), fingerprint: image.fingerprint },
      imageUsage(instances, this.project).get(image.fingerprint),
    );
    if (refusal) throw new EnclaveError('conflict', refusal);
    await deleteImage(client, image.fingerprint);
    this.changedSoon();
  }

  /** Imports a unified tarball from a path on the backend's host or from a finished upload. */
  async import(args: { source: { path: string } | { upload: string }; alias?: string | undefined }): Promise<ImageInfo> {
    const client = this.connection.requireClient();
    if (args.alias && (await getAlias(client, args.alias))) {
      throw new EnclaveError('conflict', `The alias ${args.alias} names another image already; choose another alias or delete that image first.`);
    }
    let path: string;
    let size: number;
    let discard: () => Promise<void> = async () => undefined;
    if ('path' in args.source) {
      path = args.source.path;
      if (!isAbsolute(path)) throw new EnclaveError('invalid-arguments', 'The tarball is named by an absolute path on the computer Enclave runs on.');
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) throw new EnclaveError('not-found', `There is no file ${path}.`);
      if (st.size > MAX_UPLOAD_BYTES) throw new EnclaveError('too-large', `An image is at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB.`);
      size = st.size;
    } else {
      const done = await this.uploads.finish(args.source.upload);
      path = done.path;
      size = done.size;
      discard = done.discard;
    }
    const id = 'path' in args.source ? args.source.path : args.source.upload;
    const progress = (p: Omit<ImageImportProgress, 'id' | 'totalBytes'>) => this.emit('importProgress', { id, totalBytes: size, ...p });
    try {
      progress({ stage: 'importing', doneBytes: 0 });
      let sent = 0;
      let told = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sent += chunk.length;
          if (sent - told >= PROGRESS_EVERY_BYTES) {
            told = sent;
            progress({ stage: 'importing', doneBytes: sent });
          }
          cb(null, chunk);
        },
      });
      const body = createReadStream(path).pipe(counter);
      let fingerprint: string;
      try {
        fingerprint = await importImage(client, body, size);
      } catch (err) {
        throw explainImportError(err);
      }
      if (args.alias) await setAlias(client, args.alias, fingerprint);
      progress({ stage: 'done', doneBytes: size });
      this.changedSoon();
      const info = (await this.list()).find((i) => i.fingerprint === fingerprint);
      if (!info) throw new EnclaveError('internal', 'Incus imported the image but does not list it.');
      return info;
    } catch (err) {
      progress({ stage: 'failed', doneBytes: 0, error: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      await discard();
    }
  }

  build(req: BuildRequest): Promise<ImageBuild> {
    return this.builder.start(req);
  }

  /** The images templates name that Incus does not have, with the CLIs a build should install. */
  async missing(): Promise<MissingImage[]> {
    const client = this.connection.requireClient();
    const byImage = new Map<string, MissingImage>();
    for (const t of await this.templates()) {
      let m = byImage.get(t.image);
      if (!m) byImage.set(t.image, (m = { image: t.image, templates: [], installs: [] }));
      m.templates.push(t.id);
      for (const cli of t.installs) if (!m.installs.includes(cli)) m.installs.push(cli);
    }
    const out: MissingImage[] = [];
    for (const m of byImage.values()) if (!(await resolveImage(client, m.image))) out.push(m);
    return out;
  }

  async stop(): Promise<void> {
    if (this.relist) clearTimeout(this.relist);
    this.builder.stop();
    await this.uploads.dropAll();
  }
}

function explainImportError(err: unknown): unknown {
  if (!(err instanceof IncusError)) return err;
  if (/already exists/i.test(err.message)) return new EnclaveError('conflict', `Incus has this image already (same fingerprint). Incus said: ${err.message}`);
  if (/metadata|tar|unpack|compress/i.test(err.message)) {
    return new EnclaveError('invalid-arguments', `This is not an image tarball Incus can import (one file holding rootfs/ and metadata.yaml). Incus said: ${err.message}`);
  }
  return err;
}
