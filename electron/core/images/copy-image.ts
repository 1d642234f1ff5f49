/**
 * Copies an image from one server to another through Enclave: the source's export
 * (GET /1.0/images/FP/export, a unified tarball or Incus's multipart of metadata and rootfs) is
 * streamed as it comes into the target's upload (POST /1.0/images, the same body and content
 * type), never held whole in memory. The target checks the fingerprint (X-Incus-fingerprint), so
 * the copy has the same one; the properties (user.enclave.image-version among them) travel in
 * X-Incus-properties, the aliases follow where the target has them free.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnclaveError } from '../../../shared/errors.js';
import type { IncusClient } from '../../incus/client.js';
import { answers } from '../../incus/answers.js';
import { IncusError } from '../../incus/errors.js';
import { getAlias, getImage, type Image } from '../../incus/images.js';
import { operationId, waitOperation } from '../../incus/operations.js';

export interface ImageCopyProgress {
  doneBytes: number;
  /** The export's length when the source says it, else the image's size. */
  totalBytes: number;
}

export interface CopyImageOptions {
  fromLabel?: string;
  toLabel?: string;
  signal?: AbortSignal;
  /** ms without a byte moving (or the target answering once all were sent) before the copy is given up; 60 s by default. */
  stallMs?: number;
}

export interface ImageCopy {
  /** The image on the target. */
  image: Image;
  /** False when the target had it already (answered as it is, nothing changed). */
  copied: boolean;
  /** Aliases made on the target. */
  aliases: string[];
  /** The source's aliases the target has for another image: not moved. */
  aliasesTaken: string[];
}

export const DEFAULT_IMAGE_STALL_MS = 60_000;
const PROGRESS_EVERY_BYTES = 4 * 1024 * 1024;
/** A longer properties header is refused (Incus's properties are a few short strings). */
const MAX_PROPERTIES_HEADER = 64 * 1024;
const MAX_ERROR_BODY = 64 * 1024;
/** How long the target may take to check and unpack the image once it has it. */
const UNPACK_TIMEOUT_S = 30 * 60;

class StallError extends Error {}

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof IncusError && err.status === 404) return null;
    throw err;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** At most `max` bytes of a reply's body, as text. */
async function boundedText(body: AsyncIterable<Buffer> & { destroy(): void }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function incusErrorOf(text: string, status: number): IncusError {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; error_code?: unknown };
    if (typeof parsed.error === 'string' && parsed.error) return new IncusError(parsed.error, typeof parsed.error_code === 'number' ? parsed.error_code : status);
  } catch {
    // Not Incus's envelope.
  }
  return new IncusError(`HTTP ${status}`, status);
}

/**
 * Makes the image `fingerprint` of `from` available on `to` with the same fingerprint, its
 * properties and those of its aliases the target has free. An image the target has already is
 * answered as it is.
 */
export async function copyImage(
  from: IncusClient,
  to: IncusClient,
  fingerprint: string,
  onProgress: (p: ImageCopyProgress) => void = () => undefined,
  opts: CopyImageOptions = {},
): Promise<ImageCopy> {
  const labels = { from: opts.fromLabel ?? from.address, to: opts.toLabel ?? to.address };
  const source = await orNull(() => getImage(from, fingerprint));
  if (!source) throw new EnclaveError('not-found', `${labels.from} has no image ${fingerprint.slice(0, 12)}.`);
  const fp = source.fingerprint;
  const existing = await orNull(() => getImage(to, fp));
  if (existing) return { image: existing, copied: false, aliases: [], aliasesTaken: [] };

  const properties = new URLSearchParams(source.properties ?? {}).toString();
  if (properties.length > MAX_PROPERTIES_HEADER) {
    throw new EnclaveError('too-large', `The image ${fp.slice(0, 12)}'s properties are over ${MAX_PROPERTIES_HEADER / 1024} KiB; Enclave does not copy it.`);
  }
  const what = `Copying the image ${fp.slice(0, 12)} from ${labels.from} to ${labels.to}`;
  const stallMs = opts.stallMs ?? DEFAULT_IMAGE_STALL_MS;
  const abort = new AbortController();
  const onAbort = () => abort.abort(new EnclaveError('conflict', `${what} was cancelled.`));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort);
  let lastMove = Date.now();
  const watchdog = setInterval(() => {
    if (Date.now() - lastMove > stallMs) abort.abort(new StallError(`nothing moved for ${Math.round(stallMs / 1000)} s`));
  }, Math.min(1_000, stallMs));

  try {
    const exported = await from.stream('GET', `/1.0/images/${encodeURIComponent(fp)}/export`, { timeoutMs: stallMs, signal: abort.signal });
    if (exported.statusCode !== 200) throw incusErrorOf(await boundedText(exported.body, MAX_ERROR_BODY), exported.statusCode);
    const length = Number(header(exported.headers['content-length']));
    const totalBytes = Number.isFinite(length) && length > 0 ? length : source.size;
    let done = 0;
    let told = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        lastMove = Date.now();
        if (done - told >= PROGRESS_EVERY_BYTES) {
          told = done;
          try {
            onProgress({ doneBytes: done, totalBytes });
          } catch {
            // A listener's failure is not the copy's.
          }
        }
        cb(null, chunk);
      },
    });
    const piping = pipeline(exported.body, counter, { signal: abort.signal });
    piping.catch(() => undefined);
    const headers: Record<string, string> = {
      'content-type': header(exported.headers['content-type']) ?? 'application/octet-stream',
      'x-incus-fingerprint': fp,
      'x-incus-public': source.public ? '1' : '0',
    };
    if (Number.isFinite(length) && length > 0) headers['content-length'] = String(length);
    if (properties) headers['x-incus-properties'] = properties;
    // Incus answers once it has the whole body: no header timeout, the watchdog bounds it.
    const uploaded = await to.stream('POST', '/1.0/images', { body: counter, headers, timeoutMs: 0, signal: abort.signal });
    lastMove = Date.now();
    const text = await boundedText(uploaded.body, MAX_ERROR_BODY);
    if (uploaded.statusCode >= 400) throw incusErrorOf(text, uploaded.statusCode);
    await piping;
    clearInterval(watchdog);
    const operation = (JSON.parse(text) as { operation?: unknown }).operation;
    if (typeof operation !== 'string') throw new IncusError('Incus answered the image upload without an operation.', 500);
    const op = await waitOperation<{ fingerprint?: string }>(to, operationId(operation), UNPACK_TIMEOUT_S);
    if (op.metadata?.fingerprint && op.metadata.fingerprint !== fp) {
      throw new IncusError(`${labels.to} made the image ${op.metadata.fingerprint.slice(0, 12)} instead of ${fp.slice(0, 12)}.`, 500);
    }
    onProgress({ doneBytes: done, totalBytes });
  } catch (err) {
    const cause = abort.signal.aborted ? abort.signal.reason : err;
    if (cause instanceof EnclaveError) throw cause;
    if (cause instanceof StallError) throw new EnclaveError('unavailable', `${what} stalled (${cause.message}) and was stopped.`);
    const [fromUp, toUp] = await Promise.all([answers(from), answers(to)]);
    if (!fromUp || !toUp) throw new EnclaveError('unavailable', `${what} failed: ${fromUp ? labels.to : labels.from} stopped answering during the copy.`);
    const message = cause instanceof Error ? cause.message : String(cause);
    if (cause instanceof IncusError) throw new EnclaveError('incus', `${what} failed: ${message}`, cause.status);
    throw new EnclaveError('internal', `${what} failed: ${message}`);
  } finally {
    clearInterval(watchdog);
    opts.signal?.removeEventListener('abort', onAbort);
    // Whatever is still open of either request goes (an upload refused early leaves the export unread).
    if (!abort.signal.aborted) abort.abort(new Error('the image copy ended'));
  }

  const aliases: string[] = [];
  const aliasesTaken: string[] = [];
  for (const alias of source.aliases ?? []) {
    const held = await getAlias(to, alias.name);
    if (held) {
      if (held.target !== fp) aliasesTaken.push(alias.name);
      continue;
    }
    try {
      await to.call('POST', '/1.0/images/aliases', { body: { name: alias.name, target: fp, description: alias.description ?? '' } });
      aliases.push(alias.name);
    } catch (err) {
      // Another client took it meanwhile.
      if (err instanceof IncusError && err.status === 409) aliasesTaken.push(alias.name);
      else throw err;
    }
  }
  return { image: await getImage(to, fp), copied: true, aliases, aliasesTaken };
}
