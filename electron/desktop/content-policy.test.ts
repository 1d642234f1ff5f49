import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, metaContentSecurityPolicy } from './content-policy.js';

/** The policy as a map: directive → its sources, each directive at most once. */
function parse(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';').map((p) => p.trim())) {
    const [name = '', ...sources] = part.split(/\s+/);
    expect(map.has(name), `${name} twice`).toBe(false);
    map.set(name, sources);
  }
  return map;
}

describe('contentSecurityPolicy', () => {
  const desktop = parse(contentSecurityPolicy({ connect: 'none' }));
  const browser = parse(contentSecurityPolicy({ connect: 'self' }));

  it('refuses everything not listed, and lists no plugins, frames, forms or <base>', () => {
    for (const policy of [desktop, browser]) {
      expect(policy.get('default-src')).toEqual(["'none'"]);
      for (const d of ['object-src', 'base-uri', 'form-action', 'frame-ancestors', 'frame-src']) expect(policy.get(d), d).toEqual(["'none'"]);
      // Workers, media and manifests fall back to default-src 'none'.
      for (const d of ['worker-src', 'child-src', 'media-src', 'manifest-src']) expect(policy.has(d), d).toBe(false);
    }
  });

  it('runs only the app’s own scripts: no inline script, no eval', () => {
    expect(desktop.get('script-src')).toEqual(["'self'"]);
    expect(browser.get('script-src')).toEqual(["'self'"]);
    expect([...desktop.keys()].filter((d) => d.startsWith('script-src'))).toEqual(['script-src']);
  });

  it('allows inline styles only as <style> elements and attributes, stylesheets from the app', () => {
    expect(desktop.get('style-src')).toEqual(["'self'"]);
    expect(desktop.get('style-src-elem')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(desktop.get('style-src-attr')).toEqual(["'unsafe-inline'"]);
    expect(desktop.get('img-src')).toEqual(["'self'"]);
    expect(desktop.get('font-src')).toEqual(["'self'"]);
  });

  it('connects nowhere in the desktop app, and only to its own origin in browser mode', () => {
    expect(desktop.get('connect-src')).toEqual(["'none'"]);
    expect(browser.get('connect-src')).toEqual(["'self'"]);
  });

  it('names no scheme, host or wildcard anywhere: ws:, data:, blob: included', () => {
    for (const policy of [contentSecurityPolicy({ connect: 'none' }), contentSecurityPolicy({ connect: 'self' })]) {
      for (const sources of parse(policy).values()) for (const s of sources) expect(s).toMatch(/^'(none|self|unsafe-inline)'$/);
      expect(policy).not.toMatch(/wss?:|data:|blob:|https?:|\*|unsafe-eval/);
    }
  });

  it('differs between the two only in connect-src', () => {
    const strip = (p: string) => p.replace(/connect-src [^;]+/, '');
    expect(strip(contentSecurityPolicy({ connect: 'none' }))).toBe(strip(contentSecurityPolicy({ connect: 'self' })));
  });
});

describe('the page’s own <meta> policy', () => {
  it('is the header’s less frame-ancestors, which a meta cannot carry', () => {
    const meta = parse(metaContentSecurityPolicy({ connect: 'self' }));
    expect(meta.has('frame-ancestors')).toBe(false);
    const header = parse(contentSecurityPolicy({ connect: 'self' }));
    header.delete('frame-ancestors');
    expect(meta).toEqual(header);
  });

  it('is what renderer/index.html states', () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const tags = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/g) ?? [];
    expect(tags).toHaveLength(1);
    const content = /content="([^"]*)"/.exec(tags[0] ?? '')?.[1];
    expect(content).toBe(metaContentSecurityPolicy({ connect: 'self' }));
  });
});
