import { describe, expect, it } from 'vitest';
import { APP_ENTRY, APP_ORIGIN, isAppUrl } from './app-origin.js';

describe('isAppUrl', () => {
  it("accepts the app's own pages", () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/`)).toBe(true);
    expect(isAppUrl(APP_ORIGIN)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/assets/index-abc.js?x=1#top`)).toBe(true);
  });

  it('refuses every other origin, however close its spelling', () => {
    for (const url of [
      'file:///usr/lib/enclave/index.html',
      'http://enclave/index.html',
      'https://enclave/',
      'app://enclave.example/',
      'app://enclavex/',
      'app://enclave:8080/',
      'app://user@enclave/',
      'app://enclave:pw@enclave/',
      'app://enclave@evil/',
      'app://ENCLAVE/',
      'app://%65nclave/',
      'app:enclave/index.html',
      'app:///enclave/index.html',
      'APP://other/',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      '',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('refuses what is not a string', () => {
    expect(isAppUrl(undefined as unknown as string)).toBe(false);
    expect(isAppUrl({ toString: () => APP_ENTRY } as unknown as string)).toBe(false);
  });
});
