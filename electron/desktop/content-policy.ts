/** What the page may connect to: nothing (the desktop app: IPC is not a connection) or its own origin (browser mode's WebSocket). */
export type ConnectPolicy = 'none' | 'self';

/**
 * The renderer's Content Security Policy, sent as a response header with every page of the UI.
 * Everything is refused unless listed; what is listed is what the built renderer uses:
 * - scripts and stylesheets from the app's own origin only: no inline script, no eval (zod's
 *   JIT probe is turned off in the renderer, see renderer/src/lib/zod-jitless.ts);
 * - inline `<style>` elements: xterm writes its theme, scrollbar and cell rules into them;
 * - inline style attributes: the diff view's highlighted lines are HTML strings carrying
 *   `style="…"` (React's `style` props go through the CSSOM, which CSP does not govern);
 * - images (the page's icon) and fonts from the app's own origin; no data: or blob: URLs;
 * - no plugins, frames, workers, forms, `<base>`, and no framing by anyone.
 */
export function contentSecurityPolicy(opts: { connect: ConnectPolicy }): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['style-src-elem', "'self'", "'unsafe-inline'"],
    ['style-src-attr', "'unsafe-inline'"],
    ['img-src', "'self'"],
    ['font-src', "'self'"],
    ['connect-src', opts.connect === 'self' ? "'self'" : "'none'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
    ['frame-src', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/** Directives a `<meta http-equiv>` policy cannot carry (browsers ignore them there, with a warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** The same policy as a page's `<meta>` may state it: the header's, less what only a header can say. */
export function metaContentSecurityPolicy(opts: { connect: ConnectPolicy }): string {
  return contentSecurityPolicy(opts)
    .split('; ')
    .filter((d) => !HEADER_ONLY.has(d.split(' ')[0] ?? ''))
    .join('; ');
}
