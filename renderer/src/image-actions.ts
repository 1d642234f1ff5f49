/**
 * What the images view asks of the backend: builds, deletes, imports (a file from this window
 * sent in pieces), and the pushed events that keep its stores current.
 */
import type { AgentCli } from '../../shared/templates.js';
import type { NetworkPolicy } from '../../shared/types.js';
import { MAX_TERMINAL_INPUT_BYTES } from '../../shared/api.js';
import { enclave } from './api.js';
import { errorMessage } from './lib/errors.js';
import { pieces } from './lib/image-builds.js';
import { useImageBuilds } from './stores/image-builds.js';
import { useImages } from './stores/images.js';
import { useView } from './stores/view.js';

/** The image list, for the wizard, the templates and the images view. */
export async function loadImages(): Promise<void> {
  useImages.getState().loading();
  try {
    useImages.getState().loaded(await enclave.invoke('images.list', {}));
  } catch (error) {
    useImages.getState().failed(errorMessage(error));
  }
}

export function startImageSync(): void {
  enclave.on('images.changed', (list) => {
    if (useImages.getState().state !== 'idle') useImages.getState().loaded(list);
    if (useView.getState().view === 'images') void loadMissing();
  });
  enclave.on('images.build', (b) => useImageBuilds.getState().receive(b));
  enclave.on('images.buildLog', (l) => useImageBuilds.getState().log(l.id, l.text));
  enclave.on('images.importProgress', (p) => {
    const current = useImageBuilds.getState().importing;
    if (current && current.id === p.id) useImageBuilds.getState().setImporting(p);
  });
}

/** Everything the images view shows, after opening it or a reconnect. */
export function loadImagesView(): void {
  void loadImages();
  void loadBuilds();
  void loadMissing();
}

export async function loadBuilds(): Promise<void> {
  try {
    useImageBuilds.getState().replace(await enclave.invoke('images.builds', {}));
  } catch (error) {
    console.warn('images.builds failed:', errorMessage(error));
  }
}

export async function loadMissing(): Promise<void> {
  try {
    useImageBuilds.getState().setMissing(await enclave.invoke('images.missing', {}));
  } catch (error) {
    console.warn('images.missing failed:', errorMessage(error));
  }
}

export interface BuildForm {
  alias: string;
  version: string;
  base: string;
  installs: AgentCli[];
  script: string;
  network: NetworkPolicy | null;
}

export async function startBuild(form: BuildForm): Promise<void> {
  const build = await enclave.invoke('images.build', {
    alias: form.alias,
    installs: form.installs,
    script: form.script,
    ...(form.version ? { version: form.version } : {}),
    ...(form.base ? { base: form.base } : {}),
    ...(form.network ? { network: form.network } : {}),
  });
  useImageBuilds.getState().receive(build);
}

export async function cancelBuild(id: string): Promise<void> {
  useImageBuilds.getState().receive(await enclave.invoke('images.cancelBuild', { id }));
}

export async function dismissBuild(id: string): Promise<void> {
  await enclave.invoke('images.dismissBuild', { id });
  useImageBuilds.getState().forget(id);
}

export async function deleteImage(fingerprint: string): Promise<void> {
  await enclave.invoke('images.delete', { fingerprint });
  await loadImages();
}

/** Pieces in flight at once: enough to keep the link busy, well under its 64 unanswered calls. */
const IN_FLIGHT = 8;

/**
 * Sends a file chosen in this window in pieces of 64 KiB, a few in flight, then imports it.
 * Progress: the upload, then Incus's unpacking, in the importing slot.
 */
export async function importFile(file: File, alias: string): Promise<void> {
  const set = useImageBuilds.getState().setImporting;
  const { id } = await enclave.invoke('images.uploadBegin', { name: file.name.slice(0, 255) || 'image', size: file.size });
  set({ id, stage: 'uploading', doneBytes: 0, totalBytes: file.size });
  try {
    const all = pieces(file.size, MAX_TERMINAL_INPUT_BYTES);
    let next = 0;
    let sent = 0;
    // Pieces must arrive in order: one queue of calls, a window of them unanswered.
    const inFlight: Promise<unknown>[] = [];
    while (next < all.length) {
      const { offset, end } = all[next++] as { offset: number; end: number };
      const data = new Uint8Array(await file.slice(offset, end).arrayBuffer());
      inFlight.push(
        enclave.invoke('images.uploadChunk', { id, offset, data }).then(() => {
          sent += end - offset;
          set({ id, stage: 'uploading', doneBytes: sent, totalBytes: file.size });
        }),
      );
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
    set({ id, stage: 'importing', doneBytes: 0, totalBytes: file.size });
    await enclave.invoke('images.import', { source: { upload: id }, ...(alias ? { alias } : {}) });
    set({ id, stage: 'done', doneBytes: file.size, totalBytes: file.size });
    await loadImages();
  } catch (error) {
    await enclave.invoke('images.uploadCancel', { id }).catch(() => undefined);
    set({ id, stage: 'failed', doneBytes: 0, totalBytes: file.size, error: errorMessage(error) });
    throw error;
  }
}

/** Imports a tarball that is on the computer the backend runs on. */
export async function importPath(path: string, alias: string): Promise<void> {
  const set = useImageBuilds.getState().setImporting;
  set({ id: path, stage: 'importing', doneBytes: 0, totalBytes: 0 });
  try {
    await enclave.invoke('images.import', { source: { path }, ...(alias ? { alias } : {}) });
    set({ id: path, stage: 'done', doneBytes: 1, totalBytes: 1 });
    await loadImages();
  } catch (error) {
    set({ id: path, stage: 'failed', doneBytes: 0, totalBytes: 0, error: errorMessage(error) });
    throw error;
  }
}
