import { openableUrl } from '../../shared/openable-url.js';
import { OpenedHosts } from './opened-hosts.js';

/**
 * Opening a link in the system browser: only http(s) URLs (no credentials, bounded length, the
 * renderer's own rule, shared/openable-url.ts); the first link to a host asks the user
 * (`confirm`), and a host once confirmed is remembered in `hostsFile`. Refused or cancelled
 * links are not opened and say why (for the log).
 */
export interface ExternalLinkDeps {
  /**
   * Asks the user whether to open `url` (its host never opened before); resolves true to open.
   * `url` is normalized: its host is ASCII (punycode for IDN), so linkPrompt shows look-alikes.
   */
  confirm(url: URL): Promise<boolean>;
  /** shell.openExternal. */
  open(url: string): Promise<void>;
  /** JSON file of the hosts the user confirmed (in Enclave's config folder). */
  hostsFile: string;
}

export type ExternalOpenResult = { opened: true } | { opened: false; reason: 'not-http' | 'cancelled' | 'failed' | 'busy' };

export class ExternalLinks {
  private readonly hosts: OpenedHosts;
  /** One confirmation at a time: a page opening links in a loop cannot stack dialogs. */
  private asking = false;

  constructor(private readonly deps: ExternalLinkDeps) {
    this.hosts = new OpenedHosts(deps.hostsFile);
  }

  async open(text: string): Promise<ExternalOpenResult> {
    const href = openableUrl(text);
    if (href === null) return { opened: false, reason: 'not-http' };
    const url = new URL(href);
    if (!(await this.hosts.has(url.host))) {
      if (this.asking) return { opened: false, reason: 'busy' };
      this.asking = true;
      try {
        let confirmed: boolean;
        try {
          confirmed = (await this.deps.confirm(url)) === true;
        } catch {
          return { opened: false, reason: 'failed' };
        }
        if (!confirmed) return { opened: false, reason: 'cancelled' };
        // Remembered for this run even if the file cannot be written; asked again next run.
        await this.hosts.remember(url.host).catch(() => undefined);
      } finally {
        this.asking = false;
      }
    }
    try {
      await this.deps.open(href);
      return { opened: true };
    } catch {
      return { opened: false, reason: 'failed' };
    }
  }
}

/** The dialog's text and buttons for a host never opened before (Electron's showMessageBox options). */
export interface LinkPrompt {
  message: string;
  detail: string;
  buttons: [string, string];
  defaultId: number;
  cancelId: number;
}

/** The index in LinkPrompt.buttons that opens the link (showMessageBox's `response`). */
export const LINK_PROMPT_OPEN = 1;

/**
 * Says the host and the whole URL, both as the normalized URL writes them: an IDN host shows
 * as punycode (xn--…), so a look-alike of a known site is visible for what it is.
 */
export function linkPrompt(url: URL): LinkPrompt {
  const lookAlike = url.hostname.split('.').some((label) => label.startsWith('xn--'));
  const lines = [url.href, '', `Enclave has not opened a link to ${url.host} before. It opens in your browser.`];
  if (lookAlike) lines.push('', `${url.host} is an international name (letters beyond a to z, shown encoded): check it is the site you expect.`);
  return {
    message: `Open a link to ${url.host}?`,
    detail: lines.join('\n'),
    buttons: ['Cancel', 'Open link'],
    defaultId: 0,
    cancelId: 0,
  };
}
