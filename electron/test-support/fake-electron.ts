/**
 * An in-memory stand-in for the `electron` module, so main.ts and the preload are loaded and
 * driven as they are under plain Node (no Electron binary can run on these machines).
 *
 * It keeps to behaviour Electron 45 really has (its docs and lib/browser sources): enableSandbox
 * and registerSchemesAsPrivileged throw once the app is ready, BrowserWindow and
 * session.defaultSession throw before it; a second ipcMain.handle on a channel throws; an
 * invoke with no handler rejects; a window without an open handler may open windows, and a
 * session without permission handlers grants; IPC arguments are structured-cloned; a
 * destroyed webContents throws on use. The main process and each renderer get different
 * modules, as in Electron: `module` for main, `renderer(frame).module` for a preload.
 *
 * What a user or a page does (ready, a second instance, a click, a navigation, a crash) is
 * played from the test through the FakeElectron controller.
 */
import { EventEmitter } from 'node:events';

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

function makeEvent<T extends object>(fields: T): FakeEvent & T {
  return Object.assign(new FakeEvent(), fields);
}

const destroyedError = () => new TypeError('Object has been destroyed');
/** Schemes Chromium treats as standard by itself (their URLs have an origin). */
const BUILTIN_STANDARD = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);
const BUILTIN_HANDLED = new Set(['http', 'https', 'file', 'about', 'data', 'blob']);

export interface CustomScheme {
  scheme: string;
  privileges?: Record<string, boolean>;
}

type OpenHandler = (details: { url: string; frameName: string; features: string; disposition: string; referrer: { url: string; policy: string } }) => {
  action: 'allow' | 'deny';
  overrideBrowserWindowOptions?: Record<string, unknown>;
};
type ProtocolHandler = (request: Request) => Response | Promise<Response>;
export type PermissionRequestHandler = (contents: FakeWebContents, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;
export type PermissionCheckHandler = (contents: FakeWebContents | null, permission: string, origin: string, details: Record<string, unknown>) => boolean;
type InvokeHandler = (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown;

export interface IpcMainInvokeEventLike {
  type: 'frame';
  sender: FakeWebContents;
  readonly senderFrame: FakeWebFrameMain | null;
  frameId: number;
  processId: number;
}

export interface LoadedResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface FakeDisplay {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
  workArea: { x: number; y: number; width: number; height: number };
  scaleFactor: number;
}

// ─── Frames and webContents ────────────────────────────────────────────────────────────────

export class FakeWebFrameMain {
  readonly frames: FakeWebFrameMain[] = [];
  name = '';
  /** The renderer (preload world) running in this frame's current document, if one was loaded. */
  renderer: FakeRenderer | null = null;
  private destroyed = false;

  constructor(
    private readonly world: FakeElectron,
    readonly owner: FakeWebContents,
    public url: string,
    readonly parent: FakeWebFrameMain | null,
    readonly frameTreeNodeId: number,
    readonly routingId: number,
  ) {}

  get processId(): number {
    return this.owner.id + 100;
  }

  get top(): FakeWebFrameMain {
    return this.parent ? this.parent.top : this;
  }

  get detached(): boolean {
    return this.destroyed;
  }

  get framesInSubtree(): FakeWebFrameMain[] {
    return [this, ...this.frames.flatMap((f) => f.framesInSubtree)];
  }

  /** As Chromium computes it: scheme://host[:port] for standard schemes, 'null' otherwise. */
  get origin(): string {
    try {
      const u = new URL(this.url);
      const scheme = u.protocol.slice(0, -1);
      if (scheme === 'file') return 'file://';
      return BUILTIN_STANDARD.has(scheme) || this.world.standardSchemes.has(scheme) ? `${u.protocol}//${u.host}` : 'null';
    } catch {
      return 'null';
    }
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Render frame was disposed before WebFrameMain could be accessed');
    this.renderer?.deliver(channel, structuredClone(args));
  }

  /** The document goes away (a navigation, a crash, the window closing). */
  dispose(): void {
    this.destroyed = true;
    this.renderer?.disconnect();
    for (const f of this.frames) f.dispose();
  }
}

export type WebContentsType = 'window' | 'webview' | 'browserView' | 'remote' | 'backgroundPage' | 'offscreen';

export class FakeWebContents extends EventEmitter {
  readonly id: number;
  /** Every webContents.send, in order (channel and the cloned arguments). */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  /** The last response a load got through a protocol handler. */
  lastResponse: LoadedResponse | null = null;
  windowOpenHandler: OpenHandler | null = null;
  private frame: FakeWebFrameMain;
  private destroyed = false;
  private crashed = false;
  private loading = false;

  constructor(
    private readonly world: FakeElectron,
    private readonly type: WebContentsType,
    readonly webPreferences: Record<string, unknown>,
  ) {
    super();
    this.id = world.nextId('contents');
    this.frame = this.newFrame('');
  }

  get session(): FakeSession {
    return this.world.defaultSession();
  }

  get mainFrame(): FakeWebFrameMain {
    this.alive();
    return this.frame;
  }

  private alive(): void {
    if (this.destroyed) throw destroyedError();
  }

  private newFrame(url: string, parent: FakeWebFrameMain | null = null): FakeWebFrameMain {
    return new FakeWebFrameMain(this.world, this, url, parent, this.world.nextId('frameTreeNode'), this.world.nextId('routing'));
  }

  getType(): WebContentsType {
    return this.type;
  }

  getURL(): string {
    this.alive();
    return this.frame.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isLoading(): boolean {
    return this.loading;
  }

  isCrashed(): boolean {
    return this.crashed;
  }

  setWindowOpenHandler(handler: OpenHandler): void {
    this.alive();
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.alive();
    const cloned = structuredClone(args);
    this.sent.push({ channel, args: cloned });
    if (!this.crashed) this.frame.renderer?.deliver(channel, structuredClone(cloned));
  }

  /** Resolves once the page finished loading; rejects as Electron does when the load fails. */
  async loadURL(url: string): Promise<void> {
    this.alive();
    this.loading = true;
    this.emit('did-start-loading');
    let response: LoadedResponse | null;
    try {
      response = await this.world.load(url);
    } catch (err) {
      this.loading = false;
      const { code, description } = err as { code: number; description: string };
      this.emit('did-fail-load', makeEvent({}), code, description, url, true);
      this.emit('did-stop-loading');
      throw new Error(`${description} (${code}) loading '${url}'`, { cause: err });
    }
    if (this.destroyed) return;
    this.commit(url);
    this.lastResponse = response;
    this.loading = false;
    this.emit('dom-ready');
    this.emit('did-finish-load');
    this.emit('did-stop-loading');
  }

  reload(): void {
    void this.loadURL(this.getURL()).catch(() => undefined);
  }

  /** A new document in the main frame: the old one (and its preload world) is gone. */
  commit(url: string): void {
    this.frame.dispose();
    this.frame = this.newFrame(url);
    this.crashed = false;
    this.emit('did-navigate', makeEvent({}), url, 200, 'OK');
  }

  addSubframe(url: string, parent: FakeWebFrameMain = this.frame): FakeWebFrameMain {
    const frame = this.newFrame(url, parent);
    parent.frames.push(frame);
    return frame;
  }

  crash(reason = 'crashed'): void {
    this.crashed = true;
    this.frame.renderer?.disconnect();
    this.emit('render-process-gone', makeEvent({}), { reason, exitCode: 139 });
  }

  focus(): void {
    this.world.BrowserWindow.fromWebContents(this)?.focus();
  }

  close(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.frame.dispose();
    this.emit('destroyed');
    this.world.forgetContents(this);
  }
}

// ─── Windows ───────────────────────────────────────────────────────────────────────────────

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeBrowserWindow extends EventEmitter {
  readonly id: number;
  readonly webContents: FakeWebContents;
  /** What the window was constructed with, as given. */
  readonly options: Record<string, unknown>;
  backgroundColor: string;
  private bounds: Rect;
  private visible = false;
  private minimized = false;
  private maximized = false;
  private fullScreen = false;
  private destroyed = false;
  private shownOnce = false;

  constructor(
    private readonly world: FakeElectron,
    options: Record<string, unknown> = {},
  ) {
    super();
    if (!world.app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    this.options = options;
    this.id = world.nextId('window');
    const num = (key: string, fallback: number) => (typeof options[key] === 'number' ? (options[key] as number) : fallback);
    this.bounds = { x: num('x', 100), y: num('y', 100), width: num('width', 800), height: num('height', 600) };
    this.backgroundColor = typeof options.backgroundColor === 'string' ? options.backgroundColor : '#FFFFFF';
    world.windows.push(this);
    const prefs = (options.webPreferences ?? {}) as Record<string, unknown>;
    this.webContents = world.createContents('window', prefs);
    this.webContents.once('did-finish-load', () => {
      if (!this.shownOnce && !this.destroyed) this.emit('ready-to-show');
    });
    if (options.show !== false) this.show();
  }

  static all(world: FakeElectron): FakeBrowserWindow[] {
    return world.windows.filter((w) => !w.destroyed);
  }

  loadURL(url: string): Promise<void> {
    this.alive();
    return this.webContents.loadURL(url);
  }

  loadFile(path: string): Promise<void> {
    return this.loadURL(new URL(`file://${path}`).href);
  }

  private alive(): void {
    if (this.destroyed) throw destroyedError();
  }

  show(): void {
    this.alive();
    this.visible = true;
    this.shownOnce = true;
    this.minimized = false;
    this.emit('show');
    this.focus();
  }

  hide(): void {
    this.visible = false;
    this.emit('hide');
  }

  focus(): void {
    this.alive();
    if (this.world.focused === this) return;
    const previous = this.world.focused;
    this.world.focused = this;
    previous?.emit('blur');
    this.emit('focus');
  }

  blur(): void {
    if (this.world.focused !== this) return;
    this.world.focused = null;
    this.emit('blur');
  }

  isFocused(): boolean {
    return this.world.focused === this;
  }

  isVisible(): boolean {
    return this.visible;
  }

  minimize(): void {
    this.minimized = true;
    this.blur();
    this.emit('minimize');
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.minimized = false;
    this.emit('restore');
  }

  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }

  unmaximize(): void {
    this.maximized = false;
    this.emit('unmaximize');
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  setFullScreen(flag: boolean): void {
    this.fullScreen = flag;
    this.emit(flag ? 'enter-full-screen' : 'leave-full-screen');
  }

  isFullScreen(): boolean {
    return this.fullScreen;
  }

  getBounds(): Rect {
    return { ...this.bounds };
  }

  getNormalBounds(): Rect {
    return { ...this.bounds };
  }

  setBounds(bounds: Partial<Rect>): void {
    this.bounds = { ...this.bounds, ...bounds };
    this.emit('resize');
    this.emit('move');
  }

  setBackgroundColor(color: string): void {
    this.alive();
    this.backgroundColor = color;
  }

  getBackgroundColor(): string {
    return this.backgroundColor;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** As a user closing it: 'close' may be prevented; then 'closed' and the webContents go. */
  close(): void {
    if (this.destroyed) return;
    const event = makeEvent({});
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    if (this.world.focused === this) this.world.focused = null;
    this.webContents.destroy();
    this.emit('closed');
    this.world.windowGone();
  }
}

// ─── IPC ───────────────────────────────────────────────────────────────────────────────────

export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();

  constructor() {
    super();
    // As Electron: no exception for a channel named "error".
    this.on('error', () => undefined);
  }

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    if (typeof handler !== 'function') throw new TypeError(`Expected handler to be a function, but found type '${typeof handler}'`);
    this.handlers.set(channel, handler);
  }

  handleOnce(channel: string, handler: InvokeHandler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return handler(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

/** A preload's view of Electron in one frame's document: ipcRenderer, contextBridge, its main world. */
export class FakeRenderer {
  /** The page's `window`, as far as contextBridge.exposeInMainWorld writes to it. */
  readonly world: Record<string, unknown> = {};
  readonly ipcRenderer: FakeIpcRenderer;
  readonly contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  private connected = true;

  constructor(
    private readonly electron: FakeElectron,
    readonly frame: FakeWebFrameMain,
  ) {
    this.ipcRenderer = new FakeIpcRenderer(this);
    const contextIsolation = frame.owner.webPreferences.contextIsolation !== false;
    this.contextBridge = {
      exposeInMainWorld: (key, api) => {
        if (!contextIsolation) throw new Error('contextBridge API can only be used when contextIsolation is enabled');
        if (Object.hasOwn(this.world, key)) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
        this.world[key] = bridged(api);
      },
    };
  }

  /** What `require('electron')` gives a preload in this frame. */
  get module(): { ipcRenderer: FakeIpcRenderer; contextBridge: FakeRenderer['contextBridge'] } {
    return { ipcRenderer: this.ipcRenderer, contextBridge: this.contextBridge };
  }

  get live(): boolean {
    return this.connected && !this.frame.isDestroyed();
  }

  deliver(channel: string, args: unknown[]): void {
    if (!this.live) return;
    this.ipcRenderer.emit(channel, { sender: this.ipcRenderer, ports: [] }, ...args);
  }

  disconnect(): void {
    this.connected = false;
  }

  async invoke(channel: string, args: unknown[]): Promise<unknown> {
    const frame = this.frame;
    const contents = frame.owner;
    // The message crosses a process boundary: nothing is shared, and it arrives later.
    const cloned = structuredClone(args);
    await new Promise((r) => setImmediate(r));
    if (!this.live || contents.isDestroyed()) return new Promise(() => undefined); // the page is gone: no answer ever comes
    const event: IpcMainInvokeEventLike = {
      type: 'frame',
      sender: contents,
      get senderFrame() {
        return frame.isDestroyed() ? null : frame;
      },
      frameId: frame.routingId,
      processId: frame.processId,
    };
    const handler = this.electron.ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    let result: unknown;
    try {
      result = await handler(event, ...cloned);
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err });
    }
    return structuredClone(result);
  }

  send(channel: string, args: unknown[]): void {
    const frame = this.frame;
    const cloned = structuredClone(args);
    setImmediate(() => {
      if (!this.live) return;
      this.electron.ipcMain.emit(channel, { type: 'frame', sender: frame.owner, senderFrame: frame, frameId: frame.routingId, processId: frame.processId }, ...cloned);
    });
  }
}

export class FakeIpcRenderer extends EventEmitter {
  constructor(private readonly renderer: FakeRenderer) {
    super();
  }

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return this.renderer.invoke(channel, args);
  }

  send(channel: string, ...args: unknown[]): void {
    this.renderer.send(channel, args);
  }
}

/**
 * contextBridge's copy: functions are proxied (called without the preload's `this`), plain
 * objects copied and frozen, everything else cloned. A promise crosses as a promise.
 */
function bridged(value: unknown): unknown {
  if (typeof value === 'function') {
    const fn = value as (...a: unknown[]) => unknown;
    return (...args: unknown[]) => bridged(fn(...args));
  }
  if (value instanceof Promise) return value.then(bridged);
  if (Array.isArray(value)) return Object.freeze(value.map(bridged));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = bridged(v);
    return Object.freeze(out);
  }
  return value === undefined ? undefined : structuredClone(value);
}

// ─── Session, protocol ─────────────────────────────────────────────────────────────────────

export class FakeProtocol {
  readonly handlers = new Map<string, ProtocolHandler>();

  handle(scheme: string, handler: ProtocolHandler): void {
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }

  unhandle(scheme: string): void {
    if (!this.handlers.delete(scheme)) throw new Error(`Failed to unhandle protocol: ${scheme}`);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }
}

export class FakeSession extends EventEmitter {
  readonly protocol = new FakeProtocol();
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  devicePermissionHandler: ((details: Record<string, unknown>) => boolean) | null = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }

  setDevicePermissionHandler(handler: ((details: Record<string, unknown>) => boolean) | null): void {
    this.devicePermissionHandler = handler;
  }
}

// ─── Menu ──────────────────────────────────────────────────────────────────────────────────

export interface MenuTemplateItem {
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  enabled?: boolean;
  visible?: boolean;
  click?: (item: FakeMenuItem, window: FakeBrowserWindow | undefined, event: Record<string, unknown>) => void;
  submenu?: MenuTemplateItem[] | FakeMenu;
}

const MENU_TYPES = ['normal', 'separator', 'submenu', 'checkbox', 'radio', 'header', 'palette'];

export class FakeMenuItem {
  readonly label: string;
  readonly role: string | undefined;
  readonly type: string;
  readonly accelerator: string | undefined;
  enabled: boolean;
  visible: boolean;
  readonly submenu: FakeMenu | undefined;
  private readonly onClick: MenuTemplateItem['click'];

  constructor(options: MenuTemplateItem) {
    this.role = options.role?.toLowerCase();
    this.label = options.label ?? '';
    this.submenu = Array.isArray(options.submenu) ? FakeMenu.buildFromTemplate(options.submenu) : options.submenu;
    this.type = options.type ?? (this.submenu ? 'submenu' : 'normal');
    if (!MENU_TYPES.includes(this.type)) throw new Error(`Unknown menu item type: ${this.type}`);
    this.accelerator = options.accelerator;
    this.enabled = options.enabled ?? true;
    this.visible = options.visible ?? true;
    this.onClick = options.click;
  }

  click(window?: FakeBrowserWindow): void {
    this.onClick?.(this, window, {});
  }
}

export class FakeMenu {
  readonly items: FakeMenuItem[] = [];

  static buildFromTemplate(template: MenuTemplateItem[]): FakeMenu {
    if (!Array.isArray(template)) throw new TypeError('Invalid template for Menu: Menu template must be an array');
    const valid = template.every((item) => item != null && typeof item === 'object' && (Object.hasOwn(item, 'label') || Object.hasOwn(item, 'role') || item.type === 'separator'));
    if (!valid) throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
    const menu = new FakeMenu();
    for (const item of template) menu.items.push(new FakeMenuItem(item));
    return menu;
  }

  /** The item reached by following labels (or roles) from the top: `find('File', 'New agent')`. */
  find(...path: string[]): FakeMenuItem | undefined {
    const [first, ...rest] = path;
    const item = this.items.find((i) => i.label === first || i.role === first?.toLowerCase());
    if (!item || rest.length === 0) return item;
    return item.submenu?.find(...rest);
  }

  /** Every item, depth first. */
  all(): FakeMenuItem[] {
    return this.items.flatMap((i) => [i, ...(i.submenu?.all() ?? [])]);
  }
}

// ─── Notifications, theme, the rest ────────────────────────────────────────────────────────

export class FakeNotification extends EventEmitter {
  shown = false;

  constructor(
    private readonly world: FakeElectron,
    readonly options: { title?: string; body?: string } = {},
  ) {
    super();
    world.notifications.push(this);
  }

  show(): void {
    this.shown = true;
    this.emit('show', makeEvent({}));
  }

  close(): void {
    this.emit('close', makeEvent({}));
  }
}

export class FakeNativeTheme extends EventEmitter {
  private source: 'system' | 'light' | 'dark' = 'system';
  private systemDark = false;

  get themeSource(): 'system' | 'light' | 'dark' {
    return this.source;
  }

  set themeSource(value: 'system' | 'light' | 'dark') {
    this.change(() => (this.source = value));
  }

  get shouldUseDarkColors(): boolean {
    return this.source === 'dark' || (this.source === 'system' && this.systemDark);
  }

  /** The OS switched between light and dark. */
  setSystemDark(dark: boolean): void {
    this.change(() => (this.systemDark = dark));
  }

  private change(apply: () => void): void {
    const before = this.shouldUseDarkColors;
    apply();
    if (before !== this.shouldUseDarkColors) this.emit('updated');
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  /** Whether requestSingleInstanceLock will get the lock (another instance holds it when false). */
  lockAvailable = true;
  sandboxEnabled = false;
  appUserModelId: string | null = null;
  /** The exit code once the app ended (quit: 0, exit(code): code); null while it runs. */
  exitCode: number | null = null;
  quitCalls = 0;
  readonly paths = new Map<string, string>();
  private ready = false;
  private readonly readyWaiters: (() => void)[] = [];
  private hasLock = false;
  private quitting = false;

  constructor(private readonly world: FakeElectron) {
    super();
  }

  isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** The OS finished launching the app (the controller's part). */
  becomeReady(): void {
    if (this.ready) return;
    this.world.log.push('app.ready');
    this.ready = true;
    this.emit('ready', makeEvent({}), {});
    for (const w of this.readyWaiters.splice(0)) w();
  }

  enableSandbox(): void {
    if (this.ready) throw new Error('app.enableSandbox() can only be called before app is ready');
    this.world.log.push('app.enableSandbox');
    this.sandboxEnabled = true;
  }

  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }

  getName(): string {
    return 'Enclave';
  }

  getVersion(): string {
    return '0.0.0-fake';
  }

  getPath(name: string): string {
    const path = this.paths.get(name);
    if (path === undefined) throw new Error(`Failed to get '${name}' path`);
    return path;
  }

  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }

  requestSingleInstanceLock(): boolean {
    this.world.log.push('app.requestSingleInstanceLock');
    this.hasLock = this.lockAvailable;
    return this.hasLock;
  }

  hasSingleInstanceLock(): boolean {
    return this.hasLock;
  }

  /** Another start of the app: the first instance hears 'second-instance' (after ready). */
  secondInstance(argv: string[] = [], workingDirectory = '/'): boolean {
    if (!this.hasLock || !this.ready) return false;
    this.emit('second-instance', makeEvent({}), argv, workingDirectory, {});
    return true;
  }

  /**
   * As Electron's: 'before-quit' (may be prevented), then every window is closed (a prevented
   * 'close' stops the quit), 'will-quit' (may be prevented), 'quit', and the app has ended.
   * 'window-all-closed' is not emitted while quitting.
   */
  quit(): void {
    this.quitCalls++;
    if (this.exitCode !== null) return;
    const before = makeEvent({});
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    this.quitting = true;
    for (const w of FakeBrowserWindow.all(this.world)) {
      w.close();
      if (!w.isDestroyed()) {
        this.quitting = false;
        return;
      }
    }
    const will = makeEvent({});
    this.emit('will-quit', will);
    this.quitting = false;
    if (will.defaultPrevented) return;
    this.emit('quit', makeEvent({}), 0);
    this.exitCode = 0;
  }

  /** Ends at once: windows destroyed, no quit events. */
  exit(code = 0): void {
    if (this.exitCode !== null) return;
    this.quitting = true;
    for (const w of FakeBrowserWindow.all(this.world)) w.destroy();
    this.exitCode = code;
  }

  get isQuitting(): boolean {
    return this.quitting;
  }
}

// ─── The controller ────────────────────────────────────────────────────────────────────────

/** One Electron world: the main-process module, the renderers, and what the test plays. */
export class FakeElectron {
  readonly log: string[] = [];
  readonly windows: FakeBrowserWindow[] = [];
  readonly contents: FakeWebContents[] = [];
  readonly notifications: FakeNotification[] = [];
  readonly privilegedSchemes: CustomScheme[] = [];
  readonly standardSchemes = new Set<string>();
  /** Every shell.openExternal, in order. */
  readonly openedExternally: string[] = [];
  /** Every dialog.showErrorBox. */
  readonly errorBoxes: { title: string; content: string }[] = [];
  /** dialog.showMessageBox calls still waiting for the user (see answerMessageBox). */
  readonly messageBoxes: { window: FakeBrowserWindow | null; options: Record<string, unknown>; answer(response: number): void }[] = [];
  displays: FakeDisplay[] = [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 25, width: 1920, height: 1055 }, scaleFactor: 1 }];
  notificationsSupported = true;
  encryptionAvailable = true;
  storageBackend = 'gnome_libsecret';
  applicationMenu: FakeMenu | null = null;
  focused: FakeBrowserWindow | null = null;

  readonly app: FakeApp;
  readonly ipcMain = new FakeIpcMain();
  readonly nativeTheme = new FakeNativeTheme();
  private session: FakeSession | null = null;
  private readonly counters = new Map<string, number>();
  private readonly renderers = new Map<FakeWebFrameMain, FakeRenderer>();
  /** Schemes whose handler is registered on the default session before it exists. */

  readonly BrowserWindow: {
    new (options?: Record<string, unknown>): FakeBrowserWindow;
    getAllWindows(): FakeBrowserWindow[];
    getFocusedWindow(): FakeBrowserWindow | null;
    fromWebContents(contents: FakeWebContents): FakeBrowserWindow | null;
    fromId(id: number): FakeBrowserWindow | null;
  };
  readonly Notification: (new (options?: { title?: string; body?: string }) => FakeNotification) & { isSupported(): boolean };

  /** What `require('electron')` gives the main process. */
  readonly module: ReturnType<typeof mainModule>;

  constructor() {
    this.app = new FakeApp(this);
    this.BrowserWindow = windowClass(this);
    this.Notification = notificationClass(this);
    this.module = mainModule(this);
  }

  nextId(kind: string): number {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return n;
  }

  /** The default session; like Electron's, it cannot be had before the app is ready. */
  defaultSession(): FakeSession {
    if (!this.app.isReady()) throw new TypeError('Session can only be received when app is ready');
    this.session ??= new FakeSession();
    return this.session;
  }

  createContents(type: WebContentsType, webPreferences: Record<string, unknown>): FakeWebContents {
    const contents = new FakeWebContents(this, type, webPreferences);
    this.contents.push(contents);
    this.app.emit('web-contents-created', makeEvent({}), contents);
    return contents;
  }

  forgetContents(contents: FakeWebContents): void {
    const i = this.contents.indexOf(contents);
    if (i >= 0) this.contents.splice(i, 1);
  }

  windowGone(): void {
    if (FakeBrowserWindow.all(this).length === 0 && !this.app.isQuitting) this.app.emit('window-all-closed');
  }

  // ── What the test plays ──

  /** The renderer (preload world) of `frame`'s current document; made on first ask. */
  renderer(frameOrContents: FakeWebFrameMain | FakeWebContents): FakeRenderer {
    const frame = frameOrContents instanceof FakeWebContents ? frameOrContents.mainFrame : frameOrContents;
    let r = this.renderers.get(frame);
    if (!r) {
      r = new FakeRenderer(this, frame);
      this.renderers.set(frame, r);
      frame.renderer = r;
    }
    return r;
  }

  /**
   * A page asks to navigate `frame` (a link, location.href): will-frame-navigate, and for the
   * main frame will-navigate; either may be prevented. True when the navigation went ahead.
   */
  navigate(target: FakeWebContents | FakeWebFrameMain, url: string): boolean {
    const frame = target instanceof FakeWebContents ? target.mainFrame : target;
    const contents = frame.owner;
    const isMainFrame = frame.parent === null;
    const initiator = frame;
    const frameEvent = makeEvent({ url, isMainFrame, frame, initiator, isSameDocument: false });
    contents.emit('will-frame-navigate', frameEvent);
    if (frameEvent.defaultPrevented) return false;
    if (isMainFrame) {
      const navEvent = makeEvent({ url, isMainFrame, frame, initiator, isSameDocument: false });
      contents.emit('will-navigate', navEvent, url, false, true, frame.processId, frame.routingId);
      if (navEvent.defaultPrevented) return false;
      contents.commit(url);
    } else {
      frame.url = url;
    }
    return true;
  }

  /** A server-side redirect of a navigation in the main frame; true when it went ahead. */
  redirect(contents: FakeWebContents, url: string): boolean {
    const event = makeEvent({ url, isMainFrame: true, frame: contents.mainFrame, isSameDocument: false });
    contents.emit('will-redirect', event, url, false, true, contents.mainFrame.processId, contents.mainFrame.routingId);
    if (event.defaultPrevented) return false;
    contents.commit(url);
    return true;
  }

  /** window.open or a target=_blank link: the open handler decides; Electron's default allows. */
  windowOpen(contents: FakeWebContents, url: string, frameName = ''): 'allow' | 'deny' {
    const decision = contents.windowOpenHandler?.({ url, frameName, features: '', disposition: 'new-window', referrer: { url: contents.getURL(), policy: 'strict-origin-when-cross-origin' } }) ?? { action: 'allow' as const };
    if (decision.action === 'allow') {
      const child = new this.BrowserWindow({ ...decision.overrideBrowserWindowOptions, webPreferences: { ...contents.webPreferences } });
      contents.emit('did-create-window', child, { url, frameName, options: {}, disposition: 'new-window' });
      child.webContents.commit(url);
    }
    return decision.action;
  }

  /**
   * A page adds a <webview>: with webviewTag off the tag is inert ('disabled'); otherwise
   * 'will-attach-webview' may prevent it ('prevented') or a webview webContents is made.
   */
  attachWebview(contents: FakeWebContents, src: string): 'disabled' | 'prevented' | 'attached' {
    if (contents.webPreferences.webviewTag !== true) return 'disabled';
    const webPreferences: Record<string, unknown> = {};
    const event = makeEvent({});
    contents.emit('will-attach-webview', event, webPreferences, { src });
    if (event.defaultPrevented) return 'prevented';
    const guest = this.createContents('webview', webPreferences);
    contents.emit('did-attach-webview', makeEvent({}), guest);
    return 'attached';
  }

  /** A permission request from `contents`, as Chromium makes it; no handler: granted. */
  requestPermission(contents: FakeWebContents, permission: string, details: Record<string, unknown> = {}): Promise<boolean> {
    const handler = this.defaultSession().permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(contents, permission, resolve, { requestingUrl: contents.getURL(), isMainFrame: true, ...details }));
  }

  /** A permission check (navigator.permissions, clipboard): no handler: granted. */
  checkPermission(contents: FakeWebContents | null, permission: string, origin: string, details: Record<string, unknown> = {}): boolean {
    const handler = this.defaultSession().permissionCheckHandler;
    if (!handler) return true;
    return handler(contents, permission, origin, { requestingUrl: contents?.getURL() ?? origin, isMainFrame: true, ...details });
  }

  /** The user answers the oldest open message box with the button at `response`. */
  answerMessageBox(response: number): { window: FakeBrowserWindow | null; options: Record<string, unknown> } {
    const box = this.messageBoxes.shift();
    if (!box) throw new Error('no message box is open');
    box.answer(response);
    return { window: box.window, options: box.options };
  }

  /**
   * A request through the default session's protocol handlers, as a page's load or fetch would
   * make it. The fake never sends anything to the network: a scheme without a handler fails.
   */
  async fetch(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = this.defaultSession().protocol.handlers.get(scheme);
    if (!handler) throw Object.assign(new Error('ERR_UNKNOWN_URL_SCHEME'), { code: -302, description: 'ERR_UNKNOWN_URL_SCHEME' });
    let res: Response;
    try {
      res = await handler(new Request(url, { method: init.method ?? 'GET', headers: init.headers }));
    } catch {
      throw Object.assign(new Error('ERR_UNEXPECTED'), { code: -9, description: 'ERR_UNEXPECTED' });
    }
    if (!(res instanceof Response)) throw Object.assign(new Error('ERR_UNEXPECTED'), { code: -9, description: 'ERR_UNEXPECTED' });
    if (res.type === 'error') throw Object.assign(new Error('ERR_FAILED'), { code: -2, description: 'ERR_FAILED' });
    return res;
  }

  /** A document load: through the protocol handlers for their schemes; nothing else is fetched. */
  async load(url: string): Promise<LoadedResponse | null> {
    const scheme = new URL(url).protocol.slice(0, -1);
    if (BUILTIN_HANDLED.has(scheme) && !this.defaultSession().protocol.handlers.has(scheme)) return null;
    const res = await this.fetch(url);
    const body = new Uint8Array(await res.arrayBuffer());
    return { url, status: res.status, headers: Object.fromEntries(res.headers), body };
  }
}

function needReady(world: FakeElectron, what: string): void {
  if (!world.app.isReady()) throw new Error(`${what} module can only be used after app is ready`);
}

function windowClass(world: FakeElectron): FakeElectron['BrowserWindow'] {
  return class BrowserWindow extends FakeBrowserWindow {
    constructor(options?: Record<string, unknown>) {
      super(world, options);
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return FakeBrowserWindow.all(world);
    }
    static getFocusedWindow(): FakeBrowserWindow | null {
      return world.focused && !world.focused.isDestroyed() ? world.focused : null;
    }
    static fromWebContents(contents: FakeWebContents): FakeBrowserWindow | null {
      return FakeBrowserWindow.all(world).find((w) => w.webContents === contents) ?? null;
    }
    static fromId(id: number): FakeBrowserWindow | null {
      return FakeBrowserWindow.all(world).find((w) => w.id === id) ?? null;
    }
  };
}

function notificationClass(world: FakeElectron): FakeElectron['Notification'] {
  return class Notification extends FakeNotification {
    constructor(options?: { title?: string; body?: string }) {
      super(world, options);
    }
    static isSupported(): boolean {
      return world.notificationsSupported;
    }
  };
}

/** What `require('electron')` gives the main process of `world`. */
function mainModule(world: FakeElectron) {
  class Menu extends FakeMenu {
    static setApplicationMenu(menu: FakeMenu | null): void {
      if (menu !== null && !(menu instanceof FakeMenu)) throw new TypeError('Invalid menu');
      world.applicationMenu = menu;
    }
    static getApplicationMenu(): FakeMenu | null {
      return world.applicationMenu;
    }
  }
  return {
    app: world.app,
    BrowserWindow: world.BrowserWindow,
    ipcMain: world.ipcMain,
    nativeTheme: world.nativeTheme,
    Notification: world.Notification,
    Menu,
    MenuItem: FakeMenuItem,
    protocol: {
      registerSchemesAsPrivileged(schemes: CustomScheme[]) {
        if (world.app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
        world.log.push('protocol.registerSchemesAsPrivileged');
        for (const s of schemes) {
          world.privilegedSchemes.push(s);
          if (s.privileges?.standard) world.standardSchemes.add(s.scheme);
        }
      },
      handle: (scheme: string, handler: ProtocolHandler) => world.defaultSession().protocol.handle(scheme, handler),
      unhandle: (scheme: string) => world.defaultSession().protocol.unhandle(scheme),
      isProtocolHandled: (scheme: string) => world.defaultSession().protocol.isProtocolHandled(scheme),
    },
    session: {
      get defaultSession() {
        return world.defaultSession();
      },
    },
    webContents: {
      getAllWebContents: () => [...world.contents],
      fromId: (id: number) => world.contents.find((c) => c.id === id),
      getFocusedWebContents: () => world.focused?.webContents ?? null,
      fromFrame: (frame: FakeWebFrameMain) => (frame.isDestroyed() ? undefined : frame.owner),
    },
    screen: {
      getAllDisplays: () => {
        needReady(world, 'screen');
        return world.displays.map((d) => structuredClone(d));
      },
      getPrimaryDisplay: () => {
        needReady(world, 'screen');
        return structuredClone(world.displays[0]);
      },
    },
    shell: {
      openExternal: async (url: string) => {
        world.openedExternally.push(url);
      },
    },
    dialog: {
      showErrorBox: (title: string, content: string) => void world.errorBoxes.push({ title, content }),
      showMessageBox: (windowOrOptions: FakeBrowserWindow | Record<string, unknown>, maybeOptions?: Record<string, unknown>) => {
        needReady(world, 'dialog');
        const window = windowOrOptions instanceof FakeBrowserWindow ? windowOrOptions : null;
        const options = (window ? maybeOptions : windowOrOptions) as Record<string, unknown>;
        return new Promise<{ response: number; checkboxChecked: boolean }>((resolve) => {
          world.messageBoxes.push({ window, options, answer: (response) => resolve({ response, checkboxChecked: false }) });
        });
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => world.app.isReady() && world.encryptionAvailable,
      getSelectedStorageBackend: () => world.storageBackend,
      encryptString: (plain: string) => {
        if (!world.encryptionAvailable) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
        return Buffer.concat([Buffer.from('v11'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
      },
      decryptString: (sealed: Buffer) => {
        if (sealed.subarray(0, 3).toString() !== 'v11') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        return Buffer.from(sealed.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
      },
    },
  };
}

export function createFakeElectron(): FakeElectron {
  return new FakeElectron();
}
