import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDeliberateClick, openLink, openableUrl } from './links.js';

describe('openableUrl', () => {
  it.each([
    ['http://example.com', 'http://example.com/'],
    ['https://example.com/a?b=c#d', 'https://example.com/a?b=c#d'],
    ['HTTPS://Example.COM/x', 'https://example.com/x'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
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
  ])('refuses %j', (text) => {
    expect(openableUrl(text)).toBeNull();
  });
});

describe('isDeliberateClick', () => {
  it('wants Ctrl (Cmd on macOS) with the main button', () => {
    expect(isDeliberateClick({ ctrlKey: false, metaKey: false, button: 0 }, false)).toBe(false);
    expect(isDeliberateClick({ ctrlKey: true, metaKey: false, button: 0 }, false)).toBe(true);
    expect(isDeliberateClick({ ctrlKey: true, metaKey: false, button: 2 }, false)).toBe(false);
    expect(isDeliberateClick({ ctrlKey: true, metaKey: false }, true)).toBe(false);
    expect(isDeliberateClick({ ctrlKey: false, metaKey: true }, true)).toBe(true);
  });
});

describe('openLink', () => {
  const open = vi.fn();
  afterEach(() => open.mockReset());

  it('opens only http(s) on a deliberate click, without opener or referrer', () => {
    vi.stubGlobal('window', { open });
    expect(openLink({ ctrlKey: false, metaKey: false, button: 0 }, 'https://example.com', false)).toBe(false);
    expect(openLink({ ctrlKey: true, metaKey: false, button: 0 }, 'javascript:alert(1)', false)).toBe(false);
    expect(open).not.toHaveBeenCalled();
    expect(openLink({ ctrlKey: true, metaKey: false, button: 0 }, 'https://example.com/x', false)).toBe(true);
    expect(open).toHaveBeenCalledWith('https://example.com/x', '_blank', 'noopener,noreferrer');
    vi.unstubAllGlobals();
  });
});
