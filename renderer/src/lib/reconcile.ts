/**
 * The one way the stores reconcile a reply with pushed events. A load opens a window; every
 * change pushed while it is open is kept; the reply is taken with those changes applied over
 * it, because a pushed change is never older than what the reply read before it. A newer load
 * supersedes an older one, whose reply is then dropped.
 */
export interface Loads<C> {
  /** The id of the newest load begun. */
  readonly last: number;
  /** The newest load while it runs, with the changes pushed since it began. */
  readonly open: { readonly id: number; readonly changes: readonly C[] } | null;
}

export const NO_LOADS: Loads<never> = { last: 0, open: null };

export function beginLoad<C>(loads: Loads<C>): { loads: Loads<C>; id: number } {
  const id = loads.last + 1;
  return { loads: { last: id, open: { id, changes: [] } }, id };
}

/** A pushed change: kept for the load in flight, if any. */
export function noteChange<C>(loads: Loads<C>, change: C): Loads<C> {
  return loads.open ? { ...loads, open: { ...loads.open, changes: [...loads.open.changes, change] } } : loads;
}

/** The reply of load `id` with what was pushed meanwhile applied over it; null when superseded. */
export function finishLoad<C, T>(loads: Loads<C>, id: number, reply: T, apply: (value: T, change: C) => T): { loads: Loads<C>; value: T } | null {
  if (loads.open?.id !== id) return null;
  return { loads: { ...loads, open: null }, value: loads.open.changes.reduce(apply, reply) };
}

/** Load `id` failed: stop keeping changes for it. */
export function abandonLoad<C>(loads: Loads<C>, id: number): Loads<C> {
  return loads.open?.id === id ? { ...loads, open: null } : loads;
}

export function isLoading(loads: Loads<unknown>): boolean {
  return loads.open !== null;
}
