import { describe, expect, it } from 'vitest';
import { MAX_LINK_LENGTH, openableUrl } from './openable-url.js';

describe('openableUrl', () => {
  it.each([
    ['http://example.com', 'http://example.com/'],
    ['https://example.com/a?b=c#d', 'https://example.com/a?b=c#d'],
    ['HTTPS://Example.COM/x', 'https://example.com/x'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    // Look-alike hosts show as what they are.
    ['https://ex\u00e4mple.com/', 'https://xn--exmple-cua.com/'],
    ['https://\u0430pple.com/', 'https://xn--pple-43d.com/'],
    // Non-ASCII and bidi controls in the path are percent-encoded, so the href is plain ASCII.
    ['https://example.com/\u202egnp.exe', 'https://example.com/%E2%80%AEgnp.exe'],
  ])('opens %s', (text, href) => {
    expect(openableUrl(text)).toBe(href);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    'blob:https://example.com/uuid',
    'ftp://example.com/',
    'about:blank',
    'chrome://settings',
    'mailto:a@b.c',
    'ssh://host',
    'x-enclave://open',
    '//example.com/path',
    '/relative/path',
    'example.com',
    '',
    'https://user:pw@example.com/',
    'https://github.com@evil.example/',
    'https://exa mple.com/',
    'https://example.com/\u0007',
    'https://example.com/\nnext',
    `https://example.com/${'a'.repeat(5000)}`,
    'http://',
    // Within the bound as typed, beyond it once percent-encoded.
    `https://example.com/${'\u00e9'.repeat(1000)}`,
    'https://example.com/\u0085',
    'https://example.com/\u00a0',
    'https://example.com/\u2028',
  ])('refuses %j', (text) => {
    expect(openableUrl(text)).toBeNull();
  });
});

it('bounds the length at MAX_LINK_LENGTH', () => {
  const base = 'https://example.com/';
  expect(openableUrl(base + 'a'.repeat(MAX_LINK_LENGTH - base.length))).not.toBeNull();
  expect(openableUrl(base + 'a'.repeat(MAX_LINK_LENGTH - base.length + 1))).toBeNull();
});
