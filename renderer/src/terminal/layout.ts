import type { TerminalInfo } from '../../../shared/types.js';

/** single: the active terminal; split: two side by side; grid: every open terminal. */
export type TerminalLayout = 'single' | 'split' | 'grid';

export const LAYOUTS: readonly TerminalLayout[] = ['single', 'split', 'grid'];

export function parseLayout(value: string | null): TerminalLayout | null {
  return value === 'single' || value === 'split' || value === 'grid' ? value : null;
}

/** The active tab: the chosen one while it exists, else the most recent, else the first. */
export function resolveActive(tabs: readonly string[], active: string | null, recent: readonly string[]): string | null {
  if (active !== null && tabs.includes(active)) return active;
  for (const id of recent) if (tabs.includes(id)) return id;
  return tabs[0] ?? null;
}

/** Most recently used first, without repeats, bounded. */
export function touchRecent(recent: readonly string[], id: string, max = 50): string[] {
  return [id, ...recent.filter((other) => other !== id)].slice(0, max);
}

/**
 * Which terminals a layout shows, in tab order (so panes keep their places as focus moves).
 * Split shows the active one and the one used before it (or its neighbour).
 */
export function visibleTerminals(
  layout: TerminalLayout,
  tabs: readonly string[],
  active: string | null,
  recent: readonly string[],
): string[] {
  const current = resolveActive(tabs, active, recent);
  if (current === null) return [];
  if (layout === 'grid') return [...tabs];
  if (layout === 'single' || tabs.length < 2) return [current];
  const partner =
    recent.find((id) => id !== current && tabs.includes(id)) ??
    tabs[tabs.indexOf(current) + 1] ??
    tabs[tabs.indexOf(current) - 1];
  const pair = partner === undefined ? [current] : [current, partner];
  return tabs.filter((id) => pair.includes(id));
}

/** Columns of the grid layout: as square as it gets, wider than tall. */
export function gridColumns(count: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(count)));
}

/** Columns the last of `count` panes spans, so the grid's last row has no hole. */
export function lastPaneSpan(count: number, columns: number): number {
  const rest = count % columns;
  return rest === 0 ? 1 : columns - rest + 1;
}

/** Tabs in the order they were opened. */
export function byCreation(a: TerminalInfo, b: TerminalInfo): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** "agent" for the agent's own terminal, "shell N" for extra shells. */
export function terminalDetail(info: Pick<TerminalInfo, 'kind' | 'title'>): string {
  if (info.kind === 'agent') return 'agent';
  return /shell \d+/.exec(info.title)?.[0] ?? 'shell';
}

export function terminalLabel(info: Pick<TerminalInfo, 'kind' | 'title' | 'agent'>): string {
  return `${info.agent} · ${terminalDetail(info)}`;
}
