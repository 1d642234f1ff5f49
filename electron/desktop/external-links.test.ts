import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalLinks, LINK_PROMPT_OPEN, linkPrompt, type ExternalLinkDeps } from './external-links.js';

let dir: string;
let hostsFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-external-links-'));
  hostsFile = join(dir, 'opened-hosts.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Harness {
  links: ExternalLinks;
  asked: URL[];
  opened: string[];
}

/** ExternalLinks with a user who answers `answer` to every dialog, and a browser that records. */
function harness(answer: (url: URL) => Promise<boolean> = async () => true, open?: ExternalLinkDeps['open']): Harness {
  const asked: URL[] = [];
  const opened: string[] = [];
  const links = new ExternalLinks({
    hostsFile,
    confirm: (url) => {
      asked.push(url);
      return answer(url);
    },
    open:
      open ??
      (async (url) => {
        opened.push(url);
      }),
  });
  return { links, asked, opened };
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ExternalLinks.open: what opens', () => {
  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://enclave/index.html',
    'mailto:a@example.com',
    'data:text/html,hi',
    'https://user:pw@example.com/',
    'https://github.com@evil.example/',
    'https://example.com/\u0007',
    'https://example.com/\nnext',
    ' https://example.com/',
    `https://example.com/${'a'.repeat(5000)}`,
    'http://',
    '',
  ])('refuses %j without asking or opening', async (text) => {
    const { links, asked, opened } = harness();
    expect(await links.open(text)).toEqual({ opened: false, reason: 'not-http' });
    expect(asked).toEqual([]);
    expect(opened).toEqual([]);
  });

  it('asks for a new host, opens the normalized URL, and does not ask again for that host', async () => {
    const { links, asked, opened } = harness();
    expect(await links.open('HTTPS://Example.COM/a?b=c#d')).toEqual({ opened: true });
    expect(asked.map((u) => u.href)).toEqual(['https://example.com/a?b=c#d']);
    expect(await links.open('http://example.com/other')).toEqual({ opened: true });
    expect(asked).toHaveLength(1);
    expect(opened).toEqual(['https://example.com/a?b=c#d', 'http://example.com/other']);
    expect(JSON.parse(await readFile(hostsFile, 'utf8'))).toEqual({ version: 1, hosts: ['example.com'] });
  });

  it('remembers confirmed hosts across runs', async () => {
    await harness().links.open('https://example.com/');
    const next = harness(async () => {
      throw new Error('should not ask');
    });
    expect(await next.links.open('https://example.com/again')).toEqual({ opened: true });
    expect(next.opened).toEqual(['https://example.com/again']);
  });

  it('takes another port or another subdomain for another host', async () => {
    const { links, asked } = harness();
    for (const url of ['http://localhost:3000/', 'http://localhost:5173/', 'https://docs.example.com/', 'https://example.com/']) {
      expect(await links.open(url)).toEqual({ opened: true });
    }
    expect(asked.map((u) => u.host)).toEqual(['localhost:3000', 'localhost:5173', 'docs.example.com', 'example.com']);
  });

  it('opens nothing and remembers nothing when the user cancels', async () => {
    const { links, asked, opened } = harness(async () => false);
    expect(await links.open('https://example.com/')).toEqual({ opened: false, reason: 'cancelled' });
    expect(await links.open('https://example.com/')).toEqual({ opened: false, reason: 'cancelled' });
    expect(asked).toHaveLength(2);
    expect(opened).toEqual([]);
  });

  it('says failed when the dialog fails, and asks again next time', async () => {
    let calls = 0;
    const { links, opened } = harness(async () => {
      if (++calls === 1) throw new Error('no window');
      return true;
    });
    expect(await links.open('https://example.com/')).toEqual({ opened: false, reason: 'failed' });
    expect(await links.open('https://example.com/')).toEqual({ opened: true });
    expect(opened).toEqual(['https://example.com/']);
  });

  it('says failed when the browser cannot be started (the confirmed host stays confirmed)', async () => {
    const { links, asked } = harness(undefined, async () => {
      throw new Error('no browser');
    });
    expect(await links.open('https://example.com/')).toEqual({ opened: false, reason: 'failed' });
    expect(await links.open('https://example.com/')).toEqual({ opened: false, reason: 'failed' });
    expect(asked).toHaveLength(1);
  });

  it('asks again after a broken hosts file, without failing', async () => {
    await writeFile(hostsFile, '{"version":1,"hosts":[');
    const { links, asked } = harness();
    expect(await links.open('https://example.com/')).toEqual({ opened: true });
    expect(asked).toHaveLength(1);
  });

  it('still opens when the hosts file cannot be written', async () => {
    await writeFile(join(dir, 'not-a-folder'), '');
    hostsFile = join(dir, 'not-a-folder', 'opened-hosts.json');
    const { links, asked, opened } = harness();
    expect(await links.open('https://example.com/')).toEqual({ opened: true });
    expect(await links.open('https://example.com/x')).toEqual({ opened: true });
    expect(asked).toHaveLength(1);
    expect(opened).toHaveLength(2);
  });

  it('shows an IDN host as its ASCII (punycode) form and remembers it so', async () => {
    const { links, asked } = harness();
    expect(await links.open('https://\u0430pple.com/login')).toEqual({ opened: true });
    expect(asked[0]?.host).toBe('xn--pple-43d.com');
    expect(JSON.parse(await readFile(hostsFile, 'utf8'))).toEqual({ version: 1, hosts: ['xn--pple-43d.com'] });
    expect(await links.open('https://apple.com/')).toEqual({ opened: true });
    expect(asked).toHaveLength(2);
  });
});

describe('ExternalLinks.open: one dialog at a time', () => {
  it('answers busy to every other new link while a dialog is open, at once', async () => {
    const answer = deferred<boolean>();
    const { links, asked, opened } = harness(() => answer.promise);
    const first = links.open('https://first.example/');
    const flood = await Promise.all(
      Array.from({ length: 50 }, (_, i) => links.open(i % 2 ? 'https://first.example/again' : `https://flood${i}.example/`)),
    );
    // Every one answered while the first dialog is still open.
    expect(flood.every((r) => !r.opened && r.reason === 'busy')).toBe(true);
    expect(asked.map((u) => u.host)).toEqual(['first.example']);
    answer.resolve(true);
    expect(await first).toEqual({ opened: true });
    expect(opened).toEqual(['https://first.example/']);
    // The dialog is free again.
    expect(await links.open('https://first.example/x')).toEqual({ opened: true });
    expect(await links.open('https://second.example/')).toEqual({ opened: true });
    expect(asked.map((u) => u.host)).toEqual(['first.example', 'second.example']);
  });

  it('opens a known host while a dialog for another is open', async () => {
    const answer = deferred<boolean>();
    let dialog = false;
    const { links, opened } = harness(async () => (dialog ? answer.promise : true));
    await links.open('https://known.example/');
    dialog = true;
    const pending = links.open('https://new.example/');
    expect(await links.open('https://known.example/page')).toEqual({ opened: true });
    answer.resolve(false);
    expect(await pending).toEqual({ opened: false, reason: 'cancelled' });
    expect(opened).toEqual(['https://known.example/', 'https://known.example/page']);
  });

  it('asks once when two links to the same new host come together', async () => {
    const { links, asked } = harness();
    const results = await Promise.all([links.open('https://same.example/1'), links.open('https://same.example/2')]);
    expect(results).toEqual([{ opened: true }, { opened: false, reason: 'busy' }]);
    expect(asked).toHaveLength(1);
  });
});

describe('linkPrompt', () => {
  it('names the host and the whole URL, with Cancel as the default', () => {
    const prompt = linkPrompt(new URL('https://docs.example.com:8443/a/b?q=1#top'));
    expect(prompt.message).toBe('Open a link to docs.example.com:8443?');
    expect(prompt.detail).toContain('https://docs.example.com:8443/a/b?q=1#top');
    expect(prompt.detail).not.toContain('international');
    expect(prompt.buttons[LINK_PROMPT_OPEN]).toBe('Open link');
    expect(prompt.defaultId).toBe(0);
    expect(prompt.cancelId).toBe(0);
    expect(prompt.buttons[prompt.cancelId]).toBe('Cancel');
  });

  it('shows a look-alike host encoded, and says it is an international name', () => {
    const prompt = linkPrompt(new URL('https://\u0430pple.com/'));
    expect(prompt.message).toBe('Open a link to xn--pple-43d.com?');
    expect(prompt.detail).toContain('https://xn--pple-43d.com/');
    expect(prompt.detail).toContain('international name');
  });

  it('is plain ASCII whatever the URL carries (no bidi tricks in the dialog)', () => {
    const prompt = linkPrompt(new URL('https://ex\u00e4mple.com/\u202egnp.exe?\u200b=1#\u2066x'));
    expect(`${prompt.message}\n${prompt.detail}`).toMatch(/^[\x20-\x7e\n]*$/);
  });
});
