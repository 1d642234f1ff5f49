import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDeliberateClick, openLink } from './links.js';

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
