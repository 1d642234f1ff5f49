import type { TimelineEvent } from '../lib/timeline.js';

const NONE: readonly TimelineEvent[] = [];

/**
 * Events from other sources to place on an agent's timeline besides its snapshots, restores,
 * clones and creation. The extension point for guard alerts: when the guard pushes them, map
 * the agent's alerts to `{ type: 'alert', key, time, title, detail }` here (keep the array
 * stable between renders); the timeline places, draws and describes them already.
 */
export function useTimelineExtras(_agent: string): readonly TimelineEvent[] {
  return NONE;
}
