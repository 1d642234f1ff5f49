import { describe, expect, it } from 'vitest';
import { guardEveryWebContents, guardWebContents, type ContentsCreator, type GuardedContents, type NavigationEvent, type WebviewPreferences } from './web-guards.js';

type NavigationName = 'will-navigate' | 'will-frame-navigate' | 'will-redirect';
type AttachListener = (event: { preventDefault(): void }, webPreferences?: WebviewPreferences, params?: Record<string, string>) => void;

/** A webContents as far as the guards see it, which emits the way Electron 45 does. */
class FakeContents implements GuardedContents {
  readonly navigation = new Map<NavigationName, ((event: NavigationEvent) => void)[]>();
  readonly attach: AttachListener[] = [];
  windowOpen: ((details: { url: string }) => { action: 'deny' }) | null = null;

  on(event: NavigationName, listener: (event: NavigationEvent) => void): this;
  on(event: 'will-attach-webview', listener: AttachListener): this;
  on(event: NavigationName | 'will-attach-webview', listener: ((event: NavigationEvent) => void) | AttachListener): this {
    if (event === 'will-attach-webview') this.attach.push(listener as AttachListener);
    else this.navigation.set(event, [...(this.navigation.get(event) ?? []), listener as (event: NavigationEvent) => void]);
    return this;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpen = handler;
  }

  emit(name: NavigationName, url: string, isMainFrame?: boolean): boolean {
    let prevented = false;
    const event: NavigationEvent = { url, isMainFrame, preventDefault: () => void (prevented = true) };
    for (const listener of this.navigation.get(name) ?? []) listener(event);
    return prevented;
  }

  /**
   * A renderer-initiated navigation as ElectronNavigationThrottle::WillStartRequest runs it:
   * will-frame-navigate for any frame; then, unless that cancelled, will-navigate for the main frame.
   * Says whether the navigation was cancelled.
   */
  startNavigation(url: string, isMainFrame: boolean): boolean {
    if (this.emit('will-frame-navigate', url, isMainFrame)) return true;
    return isMainFrame && this.emit('will-navigate', url, isMainFrame);
  }

  attachWebview(webPreferences?: WebviewPreferences, params: Record<string, string> = {}): boolean {
    let prevented = false;
    for (const listener of this.attach) listener({ preventDefault: () => void (prevented = true) }, webPreferences, params);
    return prevented;
  }
}

function guarded(): { contents: FakeContents; opened: string[] } {
  const contents = new FakeContents();
  const opened: string[] = [];
  guardWebContents(contents, { openExternal: (url) => opened.push(url) });
  return { contents, opened };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const NOT_HTTP = [
  'file:///etc/passwd',
  'file:///opt/Enclave/resources/app.asar/renderer/index.html',
  'app://enclave/index.html',
  'app://enclave/',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'mailto:a@example.com',
  'chrome://gpu',
  'devtools://devtools/bundled/inspector.html',
  'about:blank',
  'ssh://host',
  'not a url',
  '',
];

describe('guardWebContents: navigation', () => {
  it('listens to every navigation event, the window opener and <webview> attachment', () => {
    const { contents } = guarded();
    expect([...contents.navigation.keys()].sort()).toEqual(['will-frame-navigate', 'will-navigate', 'will-redirect']);
    expect(contents.attach).toHaveLength(1);
    expect(contents.windowOpen).not.toBeNull();
  });

  it('refuses a main-frame navigation to an http(s) page and hands it out once', async () => {
    const { contents, opened } = guarded();
    expect(contents.startNavigation('https://example.com/docs', true)).toBe(true);
    expect(contents.startNavigation('http://127.0.0.1:8080/', true)).toBe(true);
    expect(opened).toEqual([]); // never from inside Electron's event dispatch
    await tick();
    expect(opened).toEqual(['https://example.com/docs', 'http://127.0.0.1:8080/']);
  });

  it.each(NOT_HTTP)('refuses a main-frame navigation to %j and hands nothing out', async (url) => {
    const { contents, opened } = guarded();
    expect(contents.startNavigation(url, true)).toBe(true);
    await tick();
    expect(opened).toEqual([]);
  });

  it('refuses a subframe navigation, even to http(s), without handing it out', async () => {
    const { contents, opened } = guarded();
    expect(contents.startNavigation('https://example.com/', false)).toBe(true);
    expect(contents.startNavigation('app://enclave/index.html', false)).toBe(true);
    await tick();
    expect(opened).toEqual([]);
  });

  it('refuses will-navigate and will-redirect on their own (no handing out: one link, one open)', async () => {
    const { contents, opened } = guarded();
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://enclave/index.html']) {
      expect(contents.emit('will-navigate', url, true)).toBe(true);
      expect(contents.emit('will-redirect', url, true)).toBe(true);
      expect(contents.emit('will-redirect', url, false)).toBe(true);
    }
    await tick();
    expect(opened).toEqual([]);
  });

  it('refuses a will-frame-navigate that says nothing of its frame, without handing it out', async () => {
    const { contents, opened } = guarded();
    expect(contents.emit('will-frame-navigate', 'https://example.com/')).toBe(true);
    await tick();
    expect(opened).toEqual([]);
  });
});

describe('guardWebContents: new windows', () => {
  it('denies every window and hands out only http(s) links', async () => {
    const { contents, opened } = guarded();
    const open = contents.windowOpen!;
    expect(open({ url: 'https://example.com/a?b#c' })).toEqual({ action: 'deny' });
    expect(open({ url: 'HTTP://Example.com/' })).toEqual({ action: 'deny' });
    for (const url of NOT_HTTP) expect(open({ url })).toEqual({ action: 'deny' });
    expect(opened).toEqual([]);
    await tick();
    expect(opened).toEqual(['https://example.com/a?b#c', 'HTTP://Example.com/']);
  });
});

describe('guardWebContents: <webview>', () => {
  it('refuses every <webview> and strips what it asked for', () => {
    const { contents } = guarded();
    const prefs: WebviewPreferences = {
      preload: 'file:///tmp/evil.js',
      additionalArguments: ['--inspect'],
      enableBlinkFeatures: 'Everything',
      experimentalFeatures: true,
      nodeIntegration: true,
      nodeIntegrationInSubFrames: true,
      nodeIntegrationInWorker: true,
      contextIsolation: false,
      sandbox: false,
      webSecurity: false,
      allowRunningInsecureContent: true,
      webviewTag: true,
    };
    expect(contents.attachWebview(prefs, { src: 'app://enclave/index.html', allowpopups: 'true' })).toBe(true);
    expect(prefs).toEqual({
      experimentalFeatures: false,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      contextIsolation: true,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('refuses a <webview> that came without preferences', () => {
    const { contents } = guarded();
    expect(contents.attachWebview(undefined)).toBe(true);
  });
});

describe('guardEveryWebContents', () => {
  it('guards each webContents the app creates, whatever it is', async () => {
    const listeners: ((event: unknown, contents: GuardedContents) => void)[] = [];
    const app: ContentsCreator = { on: (_name, listener) => listeners.push(listener) };
    const opened: string[] = [];
    guardEveryWebContents(app, { openExternal: (url) => opened.push(url) });
    expect(listeners).toHaveLength(1);
    const [window, devtools] = [new FakeContents(), new FakeContents()];
    for (const contents of [window, devtools]) listeners[0]!({}, contents);
    expect(devtools.startNavigation('https://example.com/', true)).toBe(true);
    expect(window.windowOpen!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(window.attachWebview({})).toBe(true);
    await tick();
    expect(opened).toEqual(['https://example.com/', 'https://example.org/']);
  });
});
