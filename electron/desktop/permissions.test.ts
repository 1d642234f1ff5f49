import { describe, expect, it } from 'vitest';
import { APP_ENTRY, APP_ORIGIN } from './app-origin.js';
import { GRANTED_PERMISSIONS, permissionHandlers } from './permissions.js';

const handlers = permissionHandlers();
const page = (url: string) => ({ getURL: () => url });
const app = page(APP_ENTRY);

function requested(contents: { getURL(): string } | null, permission: string, details: { requestingUrl?: string; isMainFrame?: boolean }): boolean[] {
  const answers: boolean[] = [];
  handlers.request(contents, permission, (granted) => answers.push(granted), details);
  return answers;
}

// Every permission Electron 45 names (Session.setPermissionRequestHandler), and one it does not.
const ALL = [
  'ar', 'automatic-fullscreen', 'background-fetch', 'background-sync', 'captured-surface-control', 'clipboard-read',
  'clipboard-sanitized-write', 'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem', 'fullscreen',
  'geolocation', 'geolocation-approximate', 'hand-tracking', 'hid', 'idle-detection', 'keyboardLock', 'local-fonts',
  'local-network', 'local-network-access', 'loopback-network', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'nfc',
  'notifications', 'openExternal', 'payment-handler', 'periodic-background-sync', 'persistent-storage', 'pointerLock',
  'screen-wake-lock', 'sensors', 'serial', 'smart-card', 'speaker-selection', 'storage-access', 'system-wake-lock',
  'top-level-storage-access', 'usb', 'vr', 'web-app-installation', 'web-printing', 'window-management', 'unknown',
  'some-future-permission',
];
const CLIPBOARD = ['clipboard-read', 'clipboard-sanitized-write'];
const REFUSED = ALL.filter((p) => !CLIPBOARD.includes(p));

/** URLs that look like the app's and are not its origin. */
const FOREIGN = [
  'app://enclave.evil/index.html',
  'app://enclave@evil/index.html',
  'app://user:pw@enclave/index.html',
  'app://evil/index.html',
  'app://enclave:8080/index.html',
  'app://ENCLAVE/index.html',
  'app://%65nclave/index.html',
  'apps://enclave/index.html',
  'file:///opt/Enclave/resources/app.asar/renderer/index.html',
  'file://enclave/index.html',
  'https://enclave/index.html',
  'http://127.0.0.1:5173/',
  'devtools://devtools/bundled/inspector.html',
  'about:blank',
  'null',
  '',
  'not a url',
];

describe('permission requests', () => {
  it('grants the clipboard to the app page, main frame, only', () => {
    expect(GRANTED_PERMISSIONS).toEqual(new Set(CLIPBOARD));
    for (const permission of CLIPBOARD) {
      expect(requested(app, permission, { requestingUrl: APP_ENTRY, isMainFrame: true })).toEqual([true]);
      expect(requested(app, permission, { requestingUrl: `${APP_ORIGIN}/`, isMainFrame: true })).toEqual([true]);
    }
  });

  it.each(REFUSED)('refuses %s even to the app page', (permission) => {
    expect(requested(app, permission, { requestingUrl: APP_ENTRY, isMainFrame: true })).toEqual([false]);
  });

  it('refuses the clipboard to a subframe of the app page, or one that does not say', () => {
    for (const permission of CLIPBOARD) {
      expect(requested(app, permission, { requestingUrl: APP_ENTRY, isMainFrame: false })).toEqual([false]);
      expect(requested(app, permission, { requestingUrl: APP_ENTRY })).toEqual([false]);
    }
  });

  it.each(FOREIGN)('refuses the clipboard to a frame on %j', (url) => {
    for (const permission of CLIPBOARD) {
      // The requesting frame elsewhere, in the app's window.
      expect(requested(app, permission, { requestingUrl: url, isMainFrame: true })).toEqual([false]);
      // The window itself elsewhere.
      expect(requested(page(url), permission, { requestingUrl: APP_ENTRY, isMainFrame: true })).toEqual([false]);
      expect(requested(page(url), permission, { requestingUrl: url, isMainFrame: true })).toEqual([false]);
    }
  });

  it('refuses when it cannot tell who asked', () => {
    expect(requested(null, 'clipboard-read', { requestingUrl: APP_ENTRY, isMainFrame: true })).toEqual([false]);
    expect(requested(app, 'clipboard-read', { isMainFrame: true })).toEqual([false]);
  });

  it('answers exactly once even when the page cannot say where it is', () => {
    const broken = {
      getURL: (): string => {
        throw new Error('destroyed');
      },
    };
    const answers: boolean[] = [];
    expect(() => handlers.request(broken, 'clipboard-read', (g) => answers.push(g), { requestingUrl: APP_ENTRY, isMainFrame: true })).toThrow('destroyed');
    expect(answers).toEqual([false]);
  });
});

describe('permission checks', () => {
  // Electron hands the origin over as a URL: 'app://enclave/'.
  const origins = [APP_ORIGIN, `${APP_ORIGIN}/`];

  it('grants the clipboard to the app origin, main frame, only', () => {
    for (const permission of CLIPBOARD) {
      for (const origin of origins) {
        expect(handlers.check(app, permission, origin, { requestingUrl: APP_ENTRY, isMainFrame: true })).toBe(true);
        expect(handlers.check(app, permission, origin, { isMainFrame: true })).toBe(true);
      }
    }
  });

  it.each(REFUSED)('refuses %s even to the app origin', (permission) => {
    for (const origin of origins) {
      expect(handlers.check(app, permission, origin, { requestingUrl: APP_ENTRY, isMainFrame: true })).toBe(false);
    }
  });

  it('refuses a subframe, and a check with no frame or no webContents (workers)', () => {
    for (const permission of CLIPBOARD) {
      expect(handlers.check(app, permission, APP_ORIGIN, { requestingUrl: APP_ENTRY, isMainFrame: false })).toBe(false);
      expect(handlers.check(app, permission, APP_ORIGIN, { requestingUrl: APP_ENTRY })).toBe(false);
      expect(handlers.check(null, permission, APP_ORIGIN, { isMainFrame: false })).toBe(false);
      expect(handlers.check(null, permission, APP_ORIGIN, { requestingUrl: APP_ENTRY, isMainFrame: true })).toBe(false);
    }
  });

  it.each(FOREIGN)('refuses the clipboard to %j', (url) => {
    for (const permission of CLIPBOARD) {
      expect(handlers.check(app, permission, url, { requestingUrl: APP_ENTRY, isMainFrame: true })).toBe(false);
      expect(handlers.check(app, permission, APP_ORIGIN, { requestingUrl: url, isMainFrame: true })).toBe(false);
      expect(handlers.check(page(url), permission, APP_ORIGIN, { requestingUrl: APP_ENTRY, isMainFrame: true })).toBe(false);
    }
  });
});

describe('device permissions', () => {
  it('refuses every device, to the app too', () => {
    for (const deviceType of ['hid', 'serial', 'usb']) {
      expect(handlers.device({ deviceType, origin: APP_ORIGIN })).toBe(false);
      expect(handlers.device({ deviceType, origin: 'https://example.com' })).toBe(false);
    }
  });
});
