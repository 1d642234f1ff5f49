import { events, type EventName } from '../../../shared/api.js';

/** Every event of the contract, as a list (a stack's emitter is forwarded event by event). */
export const EVENT_NAMES = Object.keys(events) as EventName[];
