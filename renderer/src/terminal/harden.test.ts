import type { Terminal as XTerm } from '@xterm/xterm';
import { Terminal } from '@xterm/xterm';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// The addons are UMD bundles that look for `self`; Node has none.
(globalThis as Record<string, unknown>).self ??= globalThis;
let harden: typeof import('./harden.js');
beforeAll(async () => {
  harden = await import('./harden.js');
});

const ESC = '\x1b';
const BEL = '\x07';

/** A real xterm (no DOM needed to parse), set up like create-terminal.ts does. */
function terminal(): { term: XTerm; replies: string[] } {
  const term = new Terminal({ allowProposedApi: true, cols: 80, rows: 24, windowOptions: {} });
  harden.hardenParser(term);
  const replies: string[] = [];
  term.onData((data) => replies.push(data));
  return { term, replies };
}

function write(term: XTerm, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

function lineText(term: XTerm, y: number): string {
  return term.buffer.active.getLine(y)?.translateToString(true) ?? '';
}

describe('hardenParser', () => {
  it('swallows window reports and title-stack operations', async () => {
    const { term, replies } = terminal();
    await write(term, `${ESC}]0;pwned${BEL}${ESC}[21t${ESC}[20t${ESC}[14t${ESC}[16t${ESC}[18t${ESC}[19t${ESC}[22;0t${ESC}[23;0t${ESC}[8;5;5t`);
    expect(replies).toEqual([]);
    // CSI 8 t would have resized the terminal if anything handled it.
    expect([term.cols, term.rows]).toEqual([80, 24]);
  });

  it('keeps device attributes and cursor position reports working', async () => {
    const { term, replies } = terminal();
    await write(term, `abc${ESC}[6n`);
    await write(term, `${ESC}[c`);
    expect(replies[0]).toBe(`${ESC}[1;4R`);
    expect(replies[1]?.startsWith(`${ESC}[?`)).toBe(true);
    expect(replies[1]?.endsWith('c')).toBe(true);
  });

  it('recognises clipboard queries', () => {
    expect(harden.isClipboardQuery('c;?')).toBe(true);
    expect(harden.isClipboardQuery(';?')).toBe(true);
    expect(harden.isClipboardQuery('c;aGk=')).toBe(false);
    expect(harden.isClipboardQuery('?')).toBe(false);
  });
});

describe('OSC 52', () => {
  it('without permission nothing touches the clipboard (no addon loaded)', async () => {
    const { term, replies } = terminal();
    await write(term, `${ESC}]52;c;aGVsbG8=${BEL}${ESC}]52;c;?${BEL}ok`);
    expect(replies).toEqual([]);
    expect(lineText(term, 0)).toBe('ok');
  });

  it('with permission a program may write the clipboard but never read it', async () => {
    const { term, replies } = terminal();
    const writes: string[] = [];
    harden.allowOsc52Writes(term, async (text) => {
      writes.push(text);
    });
    await write(term, `${ESC}]52;c;aGVsbG8=${BEL}`);
    await write(term, `${ESC}]52;c;?${BEL}`);
    await write(term, `${ESC}]52;p;d29ybGQ=${BEL}`);
    await write(term, `${ESC}]52;c;!!notbase64!!${BEL}`);
    expect(writes).toEqual(['hello']);
    expect(replies).toEqual([]);
  });

  it('turning permission off again stops writes', async () => {
    const { term } = terminal();
    const writes: string[] = [];
    const allowed = harden.allowOsc52Writes(term, async (text) => {
      writes.push(text);
    });
    allowed.dispose();
    await write(term, `${ESC}]52;c;aGVsbG8=${BEL}`);
    expect(writes).toEqual([]);
  });

  it('caps the text written', () => {
    const write = vi.fn(async () => {});
    const provider = harden.writeOnlyClipboard(write);
    void provider.writeText('c' as never, 'x'.repeat(harden.MAX_OSC52_TEXT + 1));
    void provider.writeText('c' as never, '');
    expect(write).not.toHaveBeenCalled();
    expect(provider.readText('c' as never)).toBe('');
  });
});

describe('huge escape payloads', () => {
  const tenMegabytes = 10 * 1024 * 1024;

  it('a 10 MB OSC 52 is dropped and the terminal keeps going', async () => {
    const { term, replies } = terminal();
    const writes: string[] = [];
    harden.allowOsc52Writes(term, async (text) => {
      writes.push(text);
    });
    // Fed in 64 KiB pieces, as the backend sends output.
    const payload = `${ESC}]52;c;${'QUFB'.repeat(tenMegabytes / 4)}${BEL}after`;
    for (let at = 0; at < payload.length; at += 65536) term.write(payload.slice(at, at + 65536));
    await write(term, '');
    expect(writes).toEqual([]);
    expect(replies).toEqual([]);
    expect(lineText(term, 0)).toBe('after');
  }, 60_000);

  it('a 10 MB OSC 8 hyperlink is dropped and the terminal keeps going', async () => {
    const { term } = terminal();
    const payload = `${ESC}]8;;https://example.com/${'a'.repeat(tenMegabytes)}${ESC}\\link${ESC}]8;;${ESC}\\ after`;
    for (let at = 0; at < payload.length; at += 65536) term.write(payload.slice(at, at + 65536));
    await write(term, '');
    expect(lineText(term, 0)).toBe('link after');
  }, 20_000);

  it('malformed UTF-8 is replaced, not fatal', async () => {
    const { term } = terminal();
    await write(term, new Uint8Array([0x61, 0xc3, 0x28, 0xff, 0xfe, 0x62, 0xe2, 0x82]));
    await write(term, new Uint8Array([0x0d, 0x0a, 0x63]));
    expect(lineText(term, 1)).toBe('c');
    expect(lineText(term, 0).startsWith('a')).toBe(true);
  });
});
