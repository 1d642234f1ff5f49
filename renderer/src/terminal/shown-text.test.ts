import { Terminal } from '@xterm/xterm';
import { describe, expect, it } from 'vitest';
import { FRESH_SCREEN, shownText } from './shown-text.js';

const ESC = '\x1b';

/** A real xterm (parsing needs no DOM). */
function terminal(cols = 40, rows = 6): Terminal {
  return new Terminal({ allowProposedApi: true, cols, rows, scrollback: 1000 });
}

function write(term: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

const shown = (term: Terminal, maxChars?: number) => shownText(term.buffer.active, { cols: term.cols, rows: term.rows }, maxChars);

describe('shownText', () => {
  it('reads the normal buffer with its scrollback, blank lines around it dropped', async () => {
    const term = terminal();
    await write(term, '\r\n\r\n');
    for (let i = 1; i <= 10; i++) await write(term, `line ${i}\r\n`);
    expect(shown(term)).toBe(Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n'));
  });

  it('reads only the screen of the alternate buffer (where tmux draws), not the shell under it', async () => {
    const term = terminal();
    await write(term, 'the shell before tmux\r\n');
    await write(term, `${ESC}[?1049h${ESC}[H${ESC}[2J`);
    await write(term, `${ESC}[1;1Hroot@web:~# echo hi\r\nhi\r\n${ESC}[6;1H[agent] 0:bash*`);
    expect(term.buffer.active.type).toBe('alternate');
    expect(shown(term)).toBe('root@web:~# echo hi\nhi\n\n\n\n[agent] 0:bash*');
  });

  it('reads no further than the terminal is wide', async () => {
    const term = terminal(60, 4);
    await write(term, `${ESC}[?1049h${ESC}[H${'x'.repeat(59)}y`);
    term.resize(20, 4);
    const text = shown(term);
    expect(text.split('\n').every((line) => line.length <= 20)).toBe(true);
    expect(text).not.toContain('y');
  });

  it('keeps at most maxChars, the newest', async () => {
    const term = terminal();
    for (let i = 1; i <= 5; i++) await write(term, `row-${i}\r\n`);
    expect(shown(term, 11)).toBe('row-4\nrow-5');
  });

  it('is empty on a blank terminal; FRESH_SCREEN leaves one, out of the alternate buffer', async () => {
    const term = terminal();
    expect(shown(term)).toBe('');
    await write(term, `before\r\n${ESC}[?1049h${ESC}[Htmux screen`);
    await write(term, FRESH_SCREEN);
    expect(term.buffer.active.type).toBe('normal');
    expect(shown(term)).toBe('');
  });
});
