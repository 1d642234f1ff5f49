import { create } from 'zustand';
import type { ImageBuild, ImageImportProgress, MissingImage } from '../../../shared/types.js';
import { appendLog, mergeBuild } from '../lib/image-builds.js';

interface ImageBuildsState {
  builds: Record<string, ImageBuild>;
  /** Newest first, as started. */
  order: string[];
  missing: MissingImage[];
  importing: ImageImportProgress | null;
  replace(builds: ImageBuild[]): void;
  receive(build: ImageBuild): void;
  log(id: string, text: string): void;
  forget(id: string): void;
  setMissing(missing: MissingImage[]): void;
  setImporting(progress: ImageImportProgress | null): void;
}

export const useImageBuilds = create<ImageBuildsState>()((set) => ({
  builds: {},
  order: [],
  missing: [],
  importing: null,
  replace(list) {
    const sorted = [...list].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    set({ builds: Object.fromEntries(sorted.map((b) => [b.id, b])), order: sorted.map((b) => b.id) });
  },
  receive(build) {
    set((s) => ({
      builds: { ...s.builds, [build.id]: mergeBuild(s.builds[build.id], build) },
      order: s.order.includes(build.id) ? s.order : [build.id, ...s.order],
    }));
  },
  log(id, text) {
    set((s) => {
      const b = s.builds[id];
      return b ? { builds: { ...s.builds, [id]: { ...b, log: appendLog(b.log, text) } } } : {};
    });
  },
  forget(id) {
    set((s) => {
      const builds = { ...s.builds };
      delete builds[id];
      return { builds, order: s.order.filter((x) => x !== id) };
    });
  },
  setMissing(missing) {
    set({ missing });
  },
  setImporting(importing) {
    set({ importing });
  },
}));
