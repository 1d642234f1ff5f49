/** A navigation event as Electron 45 emits it (an Event carrying the navigation's details). */
export interface NavigationEvent {
  preventDefault(): void;
  url: string;
  isMainFrame?: boolean;
}

/** The web preferences a `<webview>` asked for (Electron lets the host edit them in place). */
export interface WebviewPreferences {
  preload?: string;
  additionalArguments?: string[];
  enableBlinkFeatures?: string;
  experimentalFeatures?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  nodeIntegrationInWorker?: boolean;
  contextIsolation?: boolean;
  sandbox?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  webviewTag?: boolean;
}

/** What the guards need of a webContents (Electron's WebContents satisfies it). */
export interface GuardedContents {
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(
    event: 'will-attach-webview',
    listener: (event: { preventDefault(): void }, webPreferences?: WebviewPreferences, params?: Record<string, string>) => void,
  ): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardOptions {
  /** Where an http(s) link the page tried to open goes (ExternalLinks.open, which asks for new hosts). */
  openExternal(url: string): void;
}

/**
 * Applied to every webContents the app ever creates (app 'web-contents-created': windows,
 * devtools, anything): the app is one page that never navigates (its routes are in-page), so
 * every navigation, in any frame, and every redirect is refused; no new window is ever
 * created; no `<webview>` is ever attached. An http(s) link the user followed (a main-frame
 * navigation or a window.open) is handed to `openExternal` instead; nothing else is.
 */
export function guardWebContents(contents: GuardedContents, opts: GuardOptions): void {
  const handOut = (url: string): void => {
    if (!isHttpUrl(url)) return;
    // Out of Electron's event dispatch, as its security guide does for shell.openExternal.
    setImmediate(() => opts.openExternal(url));
  };

  // Electron emits will-frame-navigate first and, once it is prevented, never emits
  // will-navigate for the same navigation: the main-frame link is handed out here, once.
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    if (event.isMainFrame === true) handOut(event.url);
  });
  // Reached only if will-frame-navigate did not cancel first; refusing is enough (handing the
  // link out here too could open it twice).
  contents.on('will-navigate', (event) => event.preventDefault());
  // A redirect is the server's choice, not a link the user clicked: refused, not handed out.
  contents.on('will-redirect', (event) => event.preventDefault());

  contents.setWindowOpenHandler(({ url }) => {
    handOut(url);
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event, webPreferences) => {
    event.preventDefault();
    if (webPreferences && typeof webPreferences === 'object') stripWebviewPreferences(webPreferences);
  });
}

/** What guardEveryWebContents needs of Electron's `app`. */
export interface ContentsCreator {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown;
}

/** Guards every webContents from now on (call before the first window is created). */
export function guardEveryWebContents(app: ContentsCreator, opts: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, opts));
}

function stripWebviewPreferences(prefs: WebviewPreferences): void {
  // What a guest could use to escape the sandbox; cleared even though the guest is refused.
  delete prefs.preload;
  delete prefs.additionalArguments;
  delete prefs.enableBlinkFeatures;
  prefs.experimentalFeatures = false;
  prefs.nodeIntegration = false;
  prefs.nodeIntegrationInSubFrames = false;
  prefs.nodeIntegrationInWorker = false;
  prefs.contextIsolation = true;
  prefs.sandbox = true;
  prefs.webSecurity = true;
  prefs.allowRunningInsecureContent = false;
  prefs.webviewTag = false;
}

function isHttpUrl(url: string): boolean {
  if (typeof url !== 'string') return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
