import { z } from 'zod';
import type { Reading } from './rates.js';

const count = z.number().finite().nonnegative();

/** The parts of GET /1.0/instances/NAME/state the sampler uses; anything else is ignored. */
const StateSchema = z.object({
  cpu: z.object({ usage: count }).partial().nullish(),
  processes: z.number().finite().nullish(),
  network: z
    .record(z.string(), z.object({ counters: z.object({ bytes_received: count, bytes_sent: count }).partial().nullish() }))
    .nullish(),
  disk: z.record(z.string(), z.object({ usage: count.nullish(), total: count.nullish() })).nullish(),
});

/** A reading from a state call, and the root disk's use when the daemon reports it. */
export interface StateReading extends Reading {
  diskBytes: number | null;
}

/**
 * A state reply → a reading, or null when it has no CPU figure (not running, or not Incus).
 * Memory and OOM kills are null: the state's memory counts the page cache (a file write would
 * look like a memory alert) and it has no OOM count; both come with the metrics.
 */
export function readingFromState(state: unknown, at: number): StateReading | null {
  const parsed = StateSchema.safeParse(state);
  if (!parsed.success) return null;
  const s = parsed.data;
  const cpuNs = s.cpu?.usage;
  if (cpuNs === undefined) return null;
  let rx = 0;
  let tx = 0;
  for (const [dev, iface] of Object.entries(s.network ?? {})) {
    if (dev === 'lo') continue;
    rx += iface.counters?.bytes_received ?? 0;
    tx += iface.counters?.bytes_sent ?? 0;
  }
  const processes = s.processes ?? null;
  return {
    at,
    cpuNs,
    memoryBytes: null,
    memoryLimitBytes: null,
    // Incus reports -1 when it could not count them.
    processes: processes !== null && processes >= 0 ? processes : null,
    processesLimit: null,
    netRxBytes: rx,
    netTxBytes: tx,
    oomKills: null,
    diskBytes: s.disk?.root?.usage ?? null,
  };
}
