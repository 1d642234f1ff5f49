/**
 * The renderer's Content Security Policy, sent as a response header with every page of the UI.
 * `connect` lists what the page may connect to beyond nothing: the desktop app needs nothing
 * (IPC is not a connection); browser mode needs its own WebSocket ('self').
 */
export function contentSecurityPolicy(opts: { connect: 'none' | 'self' }): string {
  throw new Error(`not implemented: ${opts.connect}`);
}
