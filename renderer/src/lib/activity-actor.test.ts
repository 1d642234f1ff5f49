import { describe, expect, it } from 'vitest';
import type { ActivityActor } from '../../../shared/types.js';
import { actorLabel } from './activity-actor.js';

const text = (actor: ActivityActor) => actorLabel(actor).text;

describe('actorLabel', () => {
  it("calls the user's click the user's", () => {
    expect(actorLabel({ kind: 'user' })).toMatchObject({ tone: 'user', text: 'you' });
  });

  it("says what made Enclave act on its own, and never calls it the user's", () => {
    expect(actorLabel({ kind: 'automatic', by: 'guard-freeze' })).toMatchObject({ tone: 'automatic', text: 'Enclave, automatically (the guard froze it)' });
    expect(text({ kind: 'automatic', by: 'safety-snapshot' })).toBe('Enclave, automatically (safety snapshot before a rollback)');
    expect(text({ kind: 'automatic', by: 'guard-alert' })).toBe('Enclave, automatically (a guard rule fired)');
    expect(text({ kind: 'automatic', by: 'network-policy' })).toBe('Enclave, automatically (its network policy blocked it)');
    expect(text({ kind: 'automatic', by: 'allowlist-lookup' })).toBe('Enclave, automatically (looking up its allowlist)');
    expect(text({ kind: 'automatic', by: 'full-disk' })).toBe('Enclave, automatically (its disk was full)');
  });

  it('names Incus acting on its own by why', () => {
    expect(actorLabel({ kind: 'incus', cause: 'schedule' })).toMatchObject({ tone: 'incus', text: 'Incus schedule' });
    expect(text({ kind: 'incus', cause: 'expiry' })).toBe('Incus (snapshot expired)');
    expect(text({ kind: 'incus', cause: 'daemon' })).toBe('Incus');
  });

  it('names another client by its transport, with the name and address Incus gives', () => {
    expect(actorLabel({ kind: 'client', protocol: 'unix', username: 'root', address: '@' })).toMatchObject({ tone: 'client', text: 'incus CLI / another client (root)' });
    expect(text({ kind: 'client', protocol: 'unix', username: null, address: null })).toBe('incus CLI / another client');
    expect(text({ kind: 'client', protocol: 'tls', username: 'ci', address: '10.1.2.3:51000' })).toBe('a remote Incus client (ci, 10.1.2.3:51000)');
    expect(text({ kind: 'client', protocol: null, username: 'alice', address: null })).toBe('another Incus client (alice)');
  });

  it('gives each kind of actor its own badge', () => {
    const tones = (['user', 'automatic', 'incus', 'client'] as const).map((kind) => {
      const actor: ActivityActor =
        kind === 'user' ? { kind } : kind === 'automatic' ? { kind, by: 'guard-alert' } : kind === 'incus' ? { kind, cause: 'daemon' } : { kind, protocol: 'unix', username: null, address: null };
      return actorLabel(actor).tone;
    });
    expect(new Set(tones).size).toBe(4);
  });
});
