/**
 * Image tarballs that come from a window in pieces (browser mode: the file is the browser's),
 * written to a private temporary file as they arrive. Bounded: a size declared up front and
 * never exceeded, pieces in order, a few uploads at once, and an upload left idle is dropped.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnclaveError } from '../../../shared/errors.js';
import { IMAGE_UPLOAD_MAX_BYTES } from '../../../shared/images.js';

export const MAX_UPLOAD_BYTES = IMAGE_UPLOAD_MAX_BYTES;
export const MAX_UPLOADS = 2;
const IDLE_MS = 2 * 60_000;

interface Upload {
  id: string;
  name: string;
  dir: string;
  path: string;
  size: number;
  received: number;
  file: FileHandle;
  /** Writes in the order the pieces came. */
  chain: Promise<void>;
  timer: NodeJS.Timeout;
  owner: string | null;
}

export interface FinishedUpload {
  name: string;
  path: string;
  size: number;
  /** Removes the file; call once it has been imported (or failed to). */
  discard(): Promise<void>;
}

export class Uploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly idleMs = IDLE_MS) {}

  async begin(name: string, size: number, owner: string | null): Promise<{ id: string }> {
    if (this.uploads.size >= MAX_UPLOADS) throw new EnclaveError('busy', `At most ${MAX_UPLOADS} image uploads run at once; wait for one to finish.`);
    if (size > MAX_UPLOAD_BYTES) throw new EnclaveError('too-large', `An image is at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB.`);
    const dir = await mkdtemp(join(tmpdir(), 'enclave-upload-'));
    const path = join(dir, 'image.tar');
    const file = await open(path, 'wx', 0o600);
    const id = randomUUID();
    const upload: Upload = { id, name, dir, path, size, received: 0, file, chain: Promise.resolve(), timer: this.idle(id), owner };
    this.uploads.set(id, upload);
    return { id };
  }

  private idle(id: string): NodeJS.Timeout {
    const t = setTimeout(() => void this.drop(id), this.idleMs);
    t.unref();
    return t;
  }

  /** Appends a piece; `offset` must be where the previous piece ended. */
  async chunk(id: string, offset: number, data: Uint8Array): Promise<{ received: number }> {
    const u = this.get(id);
    if (offset !== u.received) throw new EnclaveError('invalid-arguments', `This piece starts at byte ${offset}; the upload expects byte ${u.received} next.`);
    if (u.received + data.byteLength > u.size) throw new EnclaveError('invalid-arguments', `The upload was declared as ${u.size} bytes; this piece goes past it.`);
    u.received += data.byteLength;
    clearTimeout(u.timer);
    u.timer = this.idle(id);
    const copy = Buffer.from(data); // the transport may reuse the bytes' buffer
    u.chain = u.chain.then(async () => {
      await u.file.write(copy, 0, copy.byteLength, offset);
    });
    await u.chain;
    return { received: u.received };
  }

  /** The whole file, once every byte came; the upload is no longer listed here. */
  async finish(id: string): Promise<FinishedUpload> {
    const u = this.get(id);
    if (u.received !== u.size) throw new EnclaveError('invalid-arguments', `The upload has ${u.received} of its ${u.size} bytes.`);
    this.uploads.delete(id);
    clearTimeout(u.timer);
    await u.chain;
    await u.file.close();
    return { name: u.name, path: u.path, size: u.size, discard: () => rm(u.dir, { recursive: true, force: true }) };
  }

  /** Drops an upload (the window went away, it stalled, or the user cancelled). */
  async drop(id: string): Promise<void> {
    const u = this.uploads.get(id);
    if (!u) return;
    this.uploads.delete(id);
    clearTimeout(u.timer);
    await u.chain.catch(() => undefined);
    await u.file.close().catch(() => undefined);
    await rm(u.dir, { recursive: true, force: true });
  }

  dropOwnedBy(owner: string): void {
    for (const u of [...this.uploads.values()]) if (u.owner === owner) void this.drop(u.id);
  }

  async dropAll(): Promise<void> {
    await Promise.all([...this.uploads.keys()].map((id) => this.drop(id)));
  }

  private get(id: string): Upload {
    const u = this.uploads.get(id);
    if (!u) throw new EnclaveError('not-found', 'No such upload: it finished, was dropped after 2 minutes without a piece, or its window closed.');
    return u;
  }
}
