import { create } from 'zustand';
import type { ImageInfo } from '../../../shared/types.js';

interface ImagesState {
  images: readonly ImageInfo[];
  state: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  loading(): void;
  loaded(images: ImageInfo[]): void;
  failed(error: string): void;
}

export const useImages = create<ImagesState>()((set) => ({
  images: [],
  state: 'idle',
  error: null,
  loading() {
    set({ state: 'loading', error: null });
  },
  loaded(images) {
    set({ images, state: 'ready', error: null });
  },
  failed(error) {
    set({ state: 'failed', error });
  },
}));
