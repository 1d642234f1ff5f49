import { Terminal } from '@xterm/xterm';
import { describe, expect, it } from 'vitest';
import { CHECK_DELAY_MS, OutputWatch, screenDigest } from './output-watch.js';

const ESC = '\x1b';
const ROWS = 6;

/** A real xterm (it parses without a DOM), the size of a small tmux client. */
function terminal(): Terminal {
  return new Terminal({ allowProposedApi: true, cols: 40, rows: ROWS });
}

function write(term: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

const digest = (term: Terminal) => screenDigest(term.buffer.active, term.rows);

/** What tmux sends to redraw its status line: hide the cursor, draw the last row, go back. */
function statusRedraw(clock: string, cursorRow = 3, cursorCol = 10): string {
  return `${ESC}[?25l${ESC}[${ROWS};1H${ESC}[30m${ESC}[42m[agent] 0:bash*${' '.repeat(8)}${clock}${ESC}[K${ESC}[39m${ESC}[49m${ESC}[${cursorRow};${cursorCol}H${ESC}[?25h`;
}

/** A tmux client's first screen: the alternate screen, a prompt, the status line. */
async function tmuxScreen(): Promise<Terminal> {
  const term = terminal();
  await write(term, `${ESC}[?1049h${ESC}[H${ESC}[2Jroot@agent:~# ${statusRedraw('22:41 01-Dec-26', 1, 15)}`);
  return term;
}

describe('screenDigest', () => {
  it('does not change when tmux redraws only its status line (the clock, the window name)', async () => {
    const term = await tmuxScreen();
    const before = digest(term);
    await write(term, statusRedraw('22:42 01-Dec-26', 1, 15));
    await write(term, statusRedraw('22:43 01-Dec-26', 4, 2));
    expect(term.buffer.active.getLine(ROWS - 1)?.translateToString(true)).toContain('22:43');
    expect(digest(term)).toBe(before);
  });

  it('changes when a line above the status line changes', async () => {
    const term = await tmuxScreen();
    const before = digest(term);
    await write(term, `${ESC}[2;1Hbuild finished`);
    expect(digest(term)).not.toBe(before);
  });

  it('changes when text moves between rows, though the same characters show', async () => {
    const term = terminal();
    await write(term, 'ab\r\ncd');
    const before = digest(term);
    await write(term, `${ESC}[H${ESC}[2Ja\r\nbcd`);
    expect(digest(term)).not.toBe(before);
  });

  it('changes when the screen scrolls, even into a screen that looks the same', async () => {
    const term = terminal();
    for (let i = 0; i < ROWS; i++) await write(term, 'y\r\n');
    const before = digest(term);
    await write(term, 'y\r\n');
    expect(digest(term)).not.toBe(before);
  });

  it('changes when a program switches to the alternate screen, and ignores colours and the cursor', async () => {
    const term = terminal();
    await write(term, 'plain');
    const plain = digest(term);
    await write(term, `${ESC}[H${ESC}[31mplain${ESC}[0m${ESC}[3;7H`);
    expect(digest(term)).toBe(plain);
    await write(term, `${ESC}[?1049h`);
    expect(digest(term)).not.toBe(plain);
  });

  it('of a one-row terminal reads nothing but the screen it is', async () => {
    const term = new Terminal({ allowProposedApi: true, cols: 10, rows: 1 });
    const before = screenDigest(term.buffer.active, 1);
    await write(term, 'status');
    expect(screenDigest(term.buffer.active, 1)).toBe(before);
  });
});

/** Timers run by hand: `flush` fires what is due. */
function manualTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  return {
    timers: {
      set: (run: () => void, ms: number) => {
        expect(ms).toBe(CHECK_DELAY_MS);
        const id = next++;
        pending.set(id, run);
        return id;
      },
      clear: (handle: unknown) => pending.delete(handle as number),
    },
    pending: () => pending.size,
    flush() {
      const due = [...pending.values()];
      pending.clear();
      for (const run of due) run();
    },
  };
}

describe('OutputWatch', () => {
  function watch(screen: { value: number }) {
    const clock = manualTimers();
    let digests = 0;
    let reports = 0;
    const w = new OutputWatch(
      () => {
        digests++;
        return screen.value;
      },
      () => reports++,
      clock.timers,
    );
    return { w, clock, digests: () => digests, reports: () => reports };
  }

  it('on screen, output costs nothing and reports nothing', () => {
    const screen = { value: 1 };
    const t = watch(screen);
    t.w.shown();
    screen.value = 2;
    for (let i = 0; i < 100; i++) t.w.parsed();
    expect(t.clock.pending()).toBe(0);
    expect(t.digests()).toBe(0);
    expect(t.reports()).toBe(0);
  });

  it('hidden, a burst of writes costs one comparison, and an unchanged screen reports nothing', () => {
    const screen = { value: 7 };
    const t = watch(screen);
    t.w.hidden();
    for (let i = 0; i < 1000; i++) t.w.parsed();
    expect(t.clock.pending()).toBe(1);
    t.clock.flush();
    expect(t.digests()).toBe(2); // the baseline, then one comparison
    expect(t.reports()).toBe(0);
  });

  it('reports a changed screen once, then stops looking until shown and hidden again', () => {
    const screen = { value: 7 };
    const t = watch(screen);
    t.w.hidden();
    t.w.parsed();
    screen.value = 8;
    t.clock.flush();
    expect(t.reports()).toBe(1);
    const after = t.digests();
    for (let i = 0; i < 50; i++) t.w.parsed();
    expect(t.clock.pending()).toBe(0);
    expect(t.digests()).toBe(after);

    t.w.shown();
    t.w.hidden(); // the screen as it is now (8) is the new baseline
    t.w.parsed();
    t.clock.flush();
    expect(t.reports()).toBe(1);
    screen.value = 9;
    t.w.parsed();
    t.clock.flush();
    expect(t.reports()).toBe(2);
  });

  it('a check due when the terminal comes on screen is dropped', () => {
    const screen = { value: 1 };
    const t = watch(screen);
    t.w.hidden();
    t.w.parsed();
    screen.value = 2;
    t.w.shown();
    expect(t.clock.pending()).toBe(0);
    t.w.dispose();
    t.w.parsed();
    expect(t.clock.pending()).toBe(0);
    expect(t.reports()).toBe(0);
  });

  it('with a real xterm: tmux status redraws never light the dot, a changed line does', async () => {
    const term = await tmuxScreen();
    const clock = manualTimers();
    let reports = 0;
    const w = new OutputWatch(() => digest(term), () => reports++, clock.timers);
    w.hidden();
    for (const minute of ['44', '45', '46']) {
      await write(term, statusRedraw(`22:${minute} 01-Dec-26`));
      w.parsed();
      clock.flush();
    }
    expect(reports).toBe(0);
    await write(term, `${ESC}[1;15Hecho hi\r\nhi\r\nroot@agent:~# `);
    w.parsed();
    clock.flush();
    expect(reports).toBe(1);
  });
});
