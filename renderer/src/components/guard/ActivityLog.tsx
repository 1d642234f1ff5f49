import { useEffect, useMemo, useState } from 'react';
import type { ActivityActor, ActivityKind } from '../../../../shared/types.js';
import { loadActivity } from '../../guard-actions.js';
import { actorLabel, type ActorTone } from '../../lib/activity-actor.js';
import { errorMessage } from '../../lib/errors.js';
import { filterActivity, useActivity } from '../../stores/activity.js';
import { InlineError } from '../InlineError.js';

const KINDS: { kind: ActivityKind; label: string; icon: string }[] = [
  { kind: 'lifecycle', label: 'Lifecycle', icon: '▶' },
  { kind: 'guard', label: 'Guard', icon: '⚠' },
  { kind: 'limits', label: 'Limits', icon: '⚙' },
  { kind: 'network', label: 'Network', icon: '⇄' },
  { kind: 'isolation', label: 'Isolation', icon: '◆' },
  { kind: 'snapshot', label: 'Snapshots', icon: '◉' },
  { kind: 'terminal', label: 'Terminals', icon: '›' },
  { kind: 'workspace', label: 'Workspace', icon: '⇣' },
];

const ICONS = Object.fromEntries(KINDS.map((k) => [k.kind, k.icon])) as Record<ActivityKind, string>;
const EMPTY: never[] = [];

/** Who did what to the agent, newest first: loaded when the view opens, then kept current by events. */
export function ActivityLog({ agent }: { agent: string }) {
  const entries = useActivity((state) => state.byAgent[agent]);
  const [kinds, setKinds] = useState<ReadonlySet<ActivityKind>>(() => new Set());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    loadActivity(agent).catch((failure: unknown) => live && setError(errorMessage(failure)));
    return () => {
      live = false;
    };
  }, [agent]);

  const shown = useMemo(() => filterActivity(entries ?? EMPTY, kinds), [entries, kinds]);

  function toggle(kind: ActivityKind) {
    setKinds((current) => {
      const next = new Set(current);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });
  }

  return (
    <div className="activity-log" data-testid="activity-log" data-count={entries?.length ?? 0}>
      <div className="activity-filters" role="group" aria-label="Show kinds">
        <button
          type="button"
          className={kinds.size === 0 ? 'button button-small is-active' : 'button button-small'}
          aria-pressed={kinds.size === 0}
          data-testid="activity-filter-all"
          onClick={() => setKinds(new Set())}
        >
          All
        </button>
        {KINDS.map(({ kind, label, icon }) => (
          <button
            key={kind}
            type="button"
            className={kinds.has(kind) ? 'button button-small is-active' : 'button button-small'}
            aria-pressed={kinds.has(kind)}
            data-testid="activity-filter"
            data-kind={kind}
            onClick={() => toggle(kind)}
          >
            <span aria-hidden="true">{icon}</span> {label}
          </button>
        ))}
      </div>
      {error && <InlineError testId="activity-error" message={error} onDismiss={() => setError(null)} />}
      {!entries && !error ? (
        <p className="list-empty">Loading activity…</p>
      ) : shown.length === 0 ? (
        <p className="list-empty">{entries?.length ? 'Nothing of these kinds.' : 'No activity yet.'}</p>
      ) : (
        <ol className="activity-rows">
          {shown.map((entry) => (
            <li key={entry.id} className="activity-row" data-testid="activity-row" data-kind={entry.kind}>
              <time className="activity-time" dateTime={new Date(entry.at).toISOString()} title={new Date(entry.at).toLocaleString()}>
                {new Date(entry.at).toLocaleTimeString()}
              </time>
              <span className="activity-icon" aria-label={entry.kind} title={entry.kind}>
                {ICONS[entry.kind] ?? '•'}
              </span>
              <span className="activity-message">{entry.message}</span>
              <ActorBadge actor={entry.actor} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** "by you", "by Enclave, automatically (…)", …, with a glyph per kind of actor. */
function ActorBadge({ actor }: { actor: ActivityActor }) {
  const label = actorLabel(actor);
  return (
    <span className={`activity-actor activity-actor-${label.tone}`} data-testid="activity-actor" data-actor={label.tone} title={label.title}>
      <ActorGlyph tone={label.tone} />
      by {label.text}
    </span>
  );
}

function ActorGlyph({ tone }: { tone: ActorTone }) {
  const common = { viewBox: '0 0 16 16', width: 11, height: 11, 'aria-hidden': true, className: 'activity-actor-glyph', fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;
  switch (tone) {
    case 'user':
      // A person.
      return (
        <svg {...common}>
          <circle cx="8" cy="5" r="2.6" />
          <path d="M2.8 14c.6-2.9 2.6-4.4 5.2-4.4s4.6 1.5 5.2 4.4" />
        </svg>
      );
    case 'automatic':
      // A bolt: done by itself.
      return (
        <svg {...common}>
          <path d="M9 1.5 3.5 9h4l-1 5.5L12.5 7h-4Z" />
        </svg>
      );
    case 'incus':
      // A clock: Incus's own timers (schedule, expiry).
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6" />
          <path d="M8 4.5V8l2.5 1.5" />
        </svg>
      );
    case 'client':
      // A prompt: another program talking to Incus.
      return (
        <svg {...common}>
          <path d="m3 4.5 3.5 3.5L3 11.5M8.5 12H13" />
        </svg>
      );
  }
}
