import { create } from 'zustand';
import { type GridFilter, type GridSort, parseGridView } from '../lib/grid-order.js';

/** The grid's filter and sort survive a reload of this window (sessionStorage is per window). */
const KEY = 'enclave.grid.view';

function saved(): { filter: GridFilter; sort: GridSort } {
  try {
    return parseGridView(JSON.parse(sessionStorage.getItem(KEY) ?? '{}'));
  } catch {
    return parseGridView(null); // no storage (tests, a locked-down browser) or nonsense in it
  }
}

function save(view: { filter: GridFilter; sort: GridSort }): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(view));
  } catch {
    // as above
  }
}

interface GridViewState {
  filter: GridFilter;
  sort: GridSort;
  setFilter(filter: GridFilter): void;
  setSort(sort: GridSort): void;
}

export const useGridView = create<GridViewState>()((set, get) => ({
  ...saved(),
  setFilter(filter) {
    set({ filter });
    save({ filter, sort: get().sort });
  },
  setSort(sort) {
    set({ sort });
    save({ filter: get().filter, sort });
  },
}));
