import { describe, expect, it } from 'vitest';
import { agentOutputText } from './agent-output.js';

describe('agentOutputText', () => {
  it('keeps plain text, newlines and tabs', () => {
    expect(agentOutputText(Buffer.from('  tmux: bad option\n\tusage: tmux …\n'))).toBe('tmux: bad option\n\tusage: tmux …');
  });

  it('drops control characters, escape sequences’ introducers and bidi overrides', () => {
    const raw = Buffer.from('\u001b[2J\u001b]0;Enclave\u0007ok\u0000\u202eevil\u0085\r\nend');
    expect(agentOutputText(raw)).toBe('[2J]0;Enclaveokevil\nend');
  });

  it('is null when nothing printable is left', () => {
    expect(agentOutputText(Buffer.alloc(4096))).toBeNull();
    expect(agentOutputText('')).toBeNull();
  });

  it('cuts long output to the bound, marking the cut', () => {
    const text = agentOutputText(Buffer.from('x'.repeat(100_000)), 500);
    expect(text).toHaveLength(500);
    expect(text?.endsWith('…')).toBe(true);
    // Multi-byte characters count as one each and are never split.
    const wide = agentOutputText('é'.repeat(600), 500);
    expect(Array.from(wide ?? '')).toHaveLength(500);
    expect(wide).not.toContain('\ufffd');
  });
});
