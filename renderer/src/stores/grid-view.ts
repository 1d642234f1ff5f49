import { create } from 'zustand';
import { type GridFilter, type GridSort, parseGridView } from '../lib/grid-order.js';
import { ALL_SERVERS, type ServerFilter, parseServerFilter } from '../lib/server-groups.js';

/** The grid's filter and sort survive a reload of this window (sessionStorage is per window). */
const KEY = 'enclave.grid.view';

interface SavedView {
  filter: GridFilter;
  sort: GridSort;
  server: ServerFilter;
}

function saved(): SavedView {
  try {
    const raw: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
    const server = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).server : undefined;
    return { ...parseGridView(raw), server: parseServerFilter(server) };
  } catch {
    return { ...parseGridView(null), server: ALL_SERVERS }; // no storage (tests, a locked-down browser) or nonsense in it
  }
}

function save(view: SavedView): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(view));
  } catch {
    // as above
  }
}

interface GridViewState extends SavedView {
  setFilter(filter: GridFilter): void;
  setSort(sort: GridSort): void;
  /** Shows one server's agents, or all. */
  setServer(server: ServerFilter): void;
}

export const useGridView = create<GridViewState>()((set, get) => ({
  ...saved(),
  setFilter(filter) {
    set({ filter });
    save({ filter, sort: get().sort, server: get().server });
  },
  setSort(sort) {
    set({ sort });
    save({ filter: get().filter, sort, server: get().server });
  },
  setServer(server) {
    set({ server });
    save({ filter: get().filter, sort: get().sort, server });
  },
}));
