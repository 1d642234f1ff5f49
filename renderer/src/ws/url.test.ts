import { describe, expect, it } from 'vitest';
import { backendSocketUrl } from './url.js';
import { reconnectDelay } from './backoff.js';

describe('backendSocketUrl', () => {
  it('uses the page host and carries the token', () => {
    expect(backendSocketUrl({ protocol: 'http:', host: '127.0.0.1:4173', search: '?token=a%2Fb' })).toBe(
      'ws://127.0.0.1:4173/ws?token=a%2Fb',
    );
  });

  it('uses wss on https pages, and no token when the page has none (the cookie carries it)', () => {
    expect(backendSocketUrl({ protocol: 'https:', host: 'h', search: '' })).toBe('wss://h/ws');
  });
});

describe('reconnectDelay', () => {
  it('doubles from 250 ms up to 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(reconnectDelay)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});
