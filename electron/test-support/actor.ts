import type { ActivityActor } from '../../shared/types.js';

/** An actor in a few characters, for tests comparing whole logs: "user", "automatic:guard-freeze", "client:unix:root", … */
export function who(actor: ActivityActor): string {
  switch (actor.kind) {
    case 'user':
      return 'user';
    case 'automatic':
      return `automatic:${actor.by}`;
    case 'incus':
      return `incus:${actor.cause}`;
    case 'client':
      return `client:${actor.protocol ?? '?'}:${actor.username ?? '?'}`;
  }
}
