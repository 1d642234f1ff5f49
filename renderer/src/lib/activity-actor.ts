import type { ActivityActor, AutomaticCause } from '../../../shared/types.js';

/** Which badge an actor gets: one look per kind of actor, the same in both themes' palettes. */
export type ActorTone = ActivityActor['kind'];

export interface ActorLabel {
  tone: ActorTone;
  /** What the log says after "by": "you", "Enclave, automatically (the guard froze it)", … */
  text: string;
  /** A longer word for the tooltip. */
  title: string;
}

const AUTOMATIC: Record<AutomaticCause, string> = {
  'guard-alert': 'a guard rule fired',
  'guard-freeze': 'the guard froze it',
  'safety-snapshot': 'safety snapshot before a rollback',
  'network-policy': 'its network policy blocked it',
  'allowlist-lookup': 'looking up its allowlist',
  'full-disk': 'its disk was full',
};

const INCUS = {
  schedule: { text: 'Incus schedule', title: "Incus, on the agent's snapshot schedule" },
  expiry: { text: 'Incus (snapshot expired)', title: 'Incus, deleting a snapshot whose expiry passed' },
  daemon: { text: 'Incus', title: 'Incus itself, with no client asking' },
} as const;

/** Who did something, in the log's words. */
export function actorLabel(actor: ActivityActor): ActorLabel {
  switch (actor.kind) {
    case 'user':
      return { tone: 'user', text: 'you', title: 'You, through Enclave' };
    case 'automatic': {
      const why = AUTOMATIC[actor.by] ?? actor.by;
      return { tone: 'automatic', text: `Enclave, automatically (${why})`, title: 'Enclave did this on its own, without a click' };
    }
    case 'incus':
      return { tone: 'incus', ...(INCUS[actor.cause] ?? INCUS.daemon) };
    case 'client':
      return { tone: 'client', ...clientWords(actor) };
  }
}

function clientWords(actor: Extract<ActivityActor, { kind: 'client' }>): Omit<ActorLabel, 'tone'> {
  const words = (details: (string | null)[]) => {
    const shown = details.filter((x): x is string => !!x);
    return shown.length ? ` (${shown.join(', ')})` : '';
  };
  if (actor.protocol === 'unix') {
    // The local socket: the incus CLI, or any other program of a local user. Its address ("@") says nothing.
    return { text: `incus CLI / another client${words([actor.username])}`, title: 'Another client on Incus\'s local socket (the incus CLI, a script), not Enclave' };
  }
  const suffix = words([actor.username, actor.address]);
  if (actor.protocol === 'tls') return { text: `a remote Incus client${suffix}`, title: 'A client connected to Incus over the network (TLS), not Enclave' };
  return { text: `another Incus client${suffix}`, title: 'Another client of Incus, not Enclave' };
}
