/**
 * Opening a link in the system browser: only http(s) URLs (no credentials, bounded length);
 * the first link to a host asks the user (`confirm`), and a host once confirmed is remembered
 * in `hostsFile`. Refused or cancelled links are not opened and say why (for the log).
 */
export interface ExternalLinkDeps {
  /** Asks the user whether to open `url` (host never opened before); resolves true to open. */
  confirm(url: URL): Promise<boolean>;
  /** shell.openExternal. */
  open(url: string): Promise<void>;
  /** JSON file of the hosts the user confirmed (in Enclave's config folder). */
  hostsFile: string;
}

export type ExternalOpenResult = { opened: true } | { opened: false; reason: 'not-http' | 'cancelled' | 'failed' | 'busy' };

export class ExternalLinks {
  constructor(private readonly deps: ExternalLinkDeps) {}

  open(url: string): Promise<ExternalOpenResult> {
    throw new Error(`not implemented: ${url} ${typeof this.deps}`);
  }
}
