/**
 * The `app://` protocol handler: serves the built renderer from `rootDir` with the CSP and the
 * security headers on every response. A path outside rootDir, a method other than GET/HEAD or
 * another host is refused. Plain Node (a fetch Request in, a Response out), so it is tested
 * without Electron; main.ts passes it to protocol.handle.
 */
export function appProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  throw new Error(`not implemented: ${rootDir}`);
}
