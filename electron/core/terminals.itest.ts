import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Reply } from '../../shared/api.js';
import type { Agent, TerminalData, TerminalInfo, TerminalsChange } from '../../shared/types.js';
import { TOKEN_PARAM, WS_PATH, decodeFrame, encodeFrame, type ServerFrame } from '../../shared/wire.js';
import { execCommand } from '../incus/exec.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { AGENT_IMAGE, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { TestLink, failed, marker, ok, openTerminal, typeAndWait } from '../test-support/terminal-link.js';
import { startWebHost } from '../transport/web-host.js';
import { ensureAgentSession } from './agent-tmux.js';
import { Backend } from './backend.js';
import { NO_TMUX_NOTICE } from './terminals/service.js';
import { FLOW_HIGH, SCROLLBACK_BYTES } from './terminals/session.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const terminalIs = (id: string, pred: (t: TerminalInfo) => boolean) => (c: TerminalsChange) =>
  c.kind === 'upsert' && c.terminal.id === id && pred(c.terminal);

describe('Terminals against the real daemon', () => {
  const project = useTestProject();
  let backend: Backend;
  let rec: Recorder;
  const agent = `term-${suffix()}`;
  /** Runs a command in the agent without a PTY; returns stdout as text. */
  const run = async (script: string, stdin?: Uint8Array) => {
    const r = await execCommand(project.client, agent, ['sh', '-c', script], stdin ? { stdin } : {});
    return { code: r.exitCode, out: r.stdout.toString('latin1'), err: r.stderr.toString() };
  };
  /** Whether a process running exactly `args` sleeps: a flood that sleeps is blocked on its write. */
  const writerBlocked = (args: string) => async () =>
    (await run('ps -eo stat=,args=')).out.split('\n').some((l) => /^S/.test(l.trim()) && l.trim().replace(/^\S+\s+/, '') === args);
  const newLink = (autoAck = true) => new TestLink(backend.handlers, autoAck);
  const open = (link: TestLink, kind: 'agent' | 'shell', cols = 80, rows = 24, on = agent) =>
    openTerminal(link, on, kind, { cols, rows });

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'term'));
    project.defer(() => backend.stop());
    rec = recordEvents(backend);
    project.defer(() => rec.stop());
    backend.start();
    await backend.ready(15_000);
    const created = ok<Agent>(await new TestLink(backend.handlers).call('agents.create', { name: agent, image: AGENT_IMAGE }));
    expect(created.status).toBe('Running');
  });

  it('starts a shell at the size asked, and follows resizes', async () => {
    const link = newLink();
    const t = await open(link, 'shell', 80, 24);
    expect(t).toMatchObject({ agent, kind: 'shell', persistent: false, notice: null, cols: 80, rows: 24, exitCode: null });
    expect(await typeAndWait(link, t.id, 'echo "SIZE[$(stty size)]"')).toContain('SIZE[24 80]');

    const since = Date.now();
    ok(await link.call('terminals.resize', { id: t.id, cols: 132, rows: 43 }));
    await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.cols === 132 && i.rows === 43), 1000, since);
    await sleep(200);
    expect(await typeAndWait(link, t.id, 'echo "SIZE[$(stty size)]"')).toContain('SIZE[43 132]');
    ok(await link.call('terminals.close', { id: t.id }));
  });

  it('sizes the tmux window of the agent terminal, and resizes it', async () => {
    const link = newLink();
    const t = await open(link, 'agent', 100, 30);
    expect(t).toMatchObject({ kind: 'agent', persistent: true, notice: null });
    const size = async () => (await run("tmux display -p -t =agent: '#{window_width}x#{window_height}'")).out.trim();
    // The status line takes one row.
    await until('the window at 100x29', async () => (await size()) === '100x29', 3_000);
    ok(await link.call('terminals.resize', { id: t.id, cols: 120, rows: 40 }));
    await until('the window at 120x39', async () => (await size()) === '120x39', 3_000);
    ok(await link.call('terminals.close', { id: t.id }));
  });

  it('a closed terminal is not kept alive by the window that opened it', async () => {
    const link = newLink();
    const before = link.closeListenerCount;
    for (let i = 0; i < 5; i++) {
      const t = await open(link, 'shell');
      expect(link.closeListenerCount).toBeGreaterThan(before);
      ok(await link.call('terminals.close', { id: t.id }));
    }
    // Each session registered for the window going away; closing it must take that back,
    // or every closed session (its scrollback and PTY) lives as long as the window.
    expect(link.closeListenerCount).toBe(before);
    const t = await open(link, 'shell');
    ok(await link.call('terminals.detach', { id: t.id }));
    ok(await link.call('terminals.close', { id: t.id }));
    expect(link.closeListenerCount).toBe(before);
  });

  it('reports the exit code when the shell exits, and refuses input afterwards', async () => {
    const link = newLink();
    const t = await open(link, 'shell');
    const since = Date.now();
    ok(await link.input(t.id, 'exit 7\r'));
    const exited = await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.state === 'exited'), 1000, since);
    expect(exited.payload).toMatchObject({ terminal: { state: 'exited', exitCode: 7, message: null } });
    expect(ok<TerminalInfo[]>(await link.call('terminals.list')).find((i) => i.id === t.id)).toMatchObject({ state: 'exited', exitCode: 7 });

    const before = link.total(t.id);
    const refused = failed(await link.input(t.id, 'echo nope\r'));
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toMatch(/ended/);
    // Refused before it reached anything: nothing came out for it.
    expect(link.total(t.id)).toBe(before);
    ok(await link.call('terminals.close', { id: t.id }));
  });

  it('hangs up the shell on close: what ran in it ends', async () => {
    const link = newLink();
    const t = await open(link, 'shell');
    ok(await link.input(t.id, 'sleep 1235 & sleep 1234\r'));
    const running = (name: string) => run('ps -eo args').then((r) => r.out.split('\n').some((l) => l.trim() === name));
    await until('sleep 1234 to run', () => running('sleep 1234'), 3_000);
    expect(await running('sleep 1235')).toBe(true);

    const since = Date.now();
    ok(await link.call('terminals.close', { id: t.id }));
    await rec.waitFor('terminals.changed', (c) => c.kind === 'removed' && c.id === t.id, 1000, since);
    await until('sleep 1234 to end', async () => !(await running('sleep 1234')), 3_000);
    await until('sleep 1235 (a background job) to end', async () => !(await running('sleep 1235')), 3_000);
    expect(failed(await link.input(t.id, 'x')).code).toBe('not-found');
  });

  it('keeps output bytes as bytes: no UTF-8 decoding or replacement anywhere', async () => {
    const link = newLink();
    const t = await open(link, 'shell');
    await typeAndWait(link, t.id, "printf 'B<\\377\\376\\000\\200\\303\\050>E'");
    const raw = link.bytes(t.id);
    const want = Buffer.from([0x42, 0x3c, 0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x3e, 0x45]);
    expect(raw.indexOf(want)).toBeGreaterThanOrEqual(0);
    expect(raw.indexOf(Buffer.from([0xef, 0xbf, 0xbd]))).toBe(-1); // U+FFFD

    // Every byte value, through a raw PTY (no \n → \r\n, no echo), exactly as in the file.
    const all = Buffer.from(Array.from({ length: 4 * 256 }, (_, i) => i % 256));
    expect((await run('cat > /tmp/all.bin', all)).code).toBe(0);
    const from = link.mark(t.id);
    ok(await link.input(t.id, "stty raw -echo; printf 'ST\\101RT'; cat /tmp/all.bin; printf 'E\\116D'; stty sane\r"));
    await link.waitFor(t.id, 'END', 5_000, from);
    const out = link.bytes(t.id).subarray(from);
    const start = out.indexOf('START') + 'START'.length;
    const end = out.lastIndexOf('END');
    expect(start).toBeGreaterThan('START'.length - 1);
    expect(out.subarray(start, end).equals(all)).toBe(true);
    ok(await link.call('terminals.close', { id: t.id }));
  });

  it('replays recent output to a second window, bounded to the scrollback', async () => {
    const first = newLink();
    const t = await open(first, 'shell');
    const m1 = marker('early');
    const m2 = marker('later');
    await typeAndWait(first, t.id, `${m1.command}; ${m2.command}`);

    const second = newLink();
    const attached = ok<TerminalInfo>(await second.call('terminals.attach', { id: t.id }));
    expect(attached).toMatchObject({ id: t.id, state: 'open' });
    // The replay is pushed during the call.
    const replay = second.text(t.id);
    expect(replay).toContain(m1.text);
    expect(replay.indexOf(m1.text)).toBeLessThan(replay.indexOf(m2.text));
    // And live output reaches both.
    const live = marker('live');
    ok(await second.input(t.id, `${live.command}\r`));
    await Promise.all([first.waitFor(t.id, live.text), second.waitFor(t.id, live.text)]);
    second.close();

    // Over 3 MiB of output: a late window gets at most the scrollback (plus a chunk).
    await typeAndWait(first, t.id, "head -c 3500000 /dev/zero | tr '\\000' x", 15_000);
    const third = newLink();
    ok(await third.call('terminals.attach', { id: t.id }));
    const replayed = third.total(t.id);
    expect(replayed).toBeGreaterThan(SCROLLBACK_BYTES / 2);
    expect(replayed).toBeLessThanOrEqual(SCROLLBACK_BYTES + 64 * 1024);
    expect(Math.max(...(third.pushes.get(t.id) ?? [0]))).toBeLessThanOrEqual(64 * 1024);
    third.close();
    ok(await first.call('terminals.close', { id: t.id }));
  });

  it('holds back a flood for a window that does not ack, then resumes, and ^C stops it', async () => {
    const link = newLink(false);
    const t = await open(link, 'shell');
    await link.ackAll(t.id);
    // Output held in this process would show here (Buffers live outside the JS heap).
    const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const memoryBefore = memory();
    ok(await link.input(t.id, 'yes\r'));
    // The positive signal that the flood is held: past the flow-control window, `yes` sleeps,
    // blocked writing to its terminal.
    await until('yes to be held', async () => link.total(t.id) > FLOW_HIGH && (await writerBlocked('yes')()), 15_000);
    const held = link.total(t.id);
    expect(held).toBeGreaterThan(512 * 1024);
    expect(held).toBeLessThan(4 * 1024 * 1024);
    await until('yes to be seen blocked again', writerBlocked('yes'), 15_000);
    expect(link.total(t.id) - held).toBeLessThan(256 * 1024); // stalled, not slowed
    expect(ok<TerminalInfo[]>(await link.call('terminals.list')).find((i) => i.id === t.id)?.state).toBe('open');
    expect(memory() - memoryBefore).toBeLessThan(32 * 1024 * 1024);

    // Acked: output flows again (and keeps flowing while acked).
    link.autoAck = true;
    await link.ackAll(t.id);
    await until('output to resume', () => link.total(t.id) > held + 4 * 1024 * 1024, 5_000);

    // ^C ends the flood: the shell runs the next command (its output is computed, not the
    // typed echo) only once \`yes\` is gone. How fast is bench:terminal's business.
    ok(await link.input(t.id, new Uint8Array([0x03])));
    const after = marker('after');
    ok(await link.input(t.id, `${after.command}\r`));
    await link.waitFor(t.id, after.text, 10_000, held);
    expect((await run('ps -eo args')).out.split('\n').some((l) => l.trim() === 'yes')).toBe(false);
    ok(await link.call('terminals.close', { id: t.id }));
  });

  it('stops holding the program back when the window that does not ack goes away', async () => {
    const watcher = newLink();
    const t = await open(watcher, 'shell');
    const slow = newLink(false);
    ok(await slow.call('terminals.attach', { id: t.id }));
    ok(await watcher.input(t.id, 'yes\r'));
    await until('yes to be held', async () => slow.total(t.id) > FLOW_HIGH && (await writerBlocked('yes')()), 15_000);
    const held = watcher.total(t.id);
    expect(slow.total(t.id)).toBeLessThan(4 * 1024 * 1024);
    await until('yes to be seen blocked again', writerBlocked('yes'), 15_000);
    // The slow window holds back everyone, the one that acks too.
    expect(watcher.total(t.id) - held).toBeLessThan(256 * 1024);

    slow.close();
    await until('output to flow again', () => watcher.total(t.id) > held + 4 * 1024 * 1024, 5_000);
    ok(await watcher.input(t.id, new Uint8Array([0x03])));
    await typeAndWait(watcher, t.id, 'true');
    ok(await watcher.call('terminals.close', { id: t.id }));
  });

  it('ends a held-back flood when its terminal is closed', async () => {
    const link = newLink(false);
    const t = await open(link, 'shell');
    ok(await link.input(t.id, 'yes FLOOD\r'));
    const flooding = () => run('ps -eo args').then((r) => r.out.split('\n').some((l) => l.trim() === 'yes FLOOD'));
    await until('the flood to run', flooding, 3_000);
    await sleep(300);
    ok(await link.call('terminals.close', { id: t.id }));
    await until('the flood to end', async () => !(await flooding()), 3_000);
  });

  it('delivers all output of a shell that exits while held back, then its exit code', async () => {
    const link = newLink(false);
    const t = await open(link, 'shell');
    await link.ackAll(t.id);
    const from = link.mark(t.id);
    const since = Date.now();
    ok(await link.input(t.id, "head -c 3000000 /dev/zero | tr '\\000' x; printf 'E\\116D'; exit 5\r"));
    // Held: past the flow-control window, tr sleeps, blocked writing to the terminal.
    await until('tr to be held', async () => link.total(t.id) - from > FLOW_HIGH && (await writerBlocked('tr \\000 x')()), 15_000);
    expect(link.total(t.id) - from).toBeLessThan(3_000_000);
    expect(ok<TerminalInfo[]>(await link.call('terminals.list')).find((i) => i.id === t.id)?.state).toBe('open');

    link.autoAck = true;
    await link.ackAll(t.id);
    const exited = await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.state === 'exited'), 5_000, since);
    expect(exited.payload).toMatchObject({ terminal: { exitCode: 5 } });
    const out = link.text(t.id, from);
    expect(out).toContain('END');
    expect(Math.max(...(out.match(/x+/g) ?? []).map((run) => run.length))).toBe(3_000_000);
    ok(await link.call('terminals.close', { id: t.id }));
  });

  it('ends the agent terminal when its tmux session ends, and a new one starts it again', async () => {
    const link = newLink();
    const t = await open(link, 'agent');
    const since = Date.now();
    // Only this session's shell: exiting it ends the tmux session.
    ok(await link.input(t.id, 'exit\r'));
    const ended = await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.state === 'exited'), 3_000, since);
    expect(ended.payload).toMatchObject({ terminal: { exitCode: 0 } });
    expect((await run('tmux has-session -t =agent')).code).not.toBe(0);

    const again = await open(link, 'agent');
    expect(again.persistent).toBe(true);
    await typeAndWait(link, again.id, 'echo fresh');
    expect((await run('tmux has-session -t =agent')).code).toBe(0);
    for (const id of [t.id, again.id]) ok(await link.call('terminals.close', { id }));
  });

  it('attaches the agent terminal again when the user detaches tmux (Ctrl-b d), not showing it as exited', async () => {
    const link = newLink();
    const t = await open(link, 'agent');
    await typeAndWait(link, t.id, 'KEEP=still-here');
    const since = Date.now();
    // tmux 3.3 acts on its prefix key only once the outer terminal has answered its
    // secondary device-attributes query (sent on attach); xterm.js answers it, so answer
    // as xterm.js does.
    ok(await link.input(t.id, '\x1b[>0;276;0c'));
    await sleep(300);
    ok(await link.input(t.id, '\x02d'));
    const detached = await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.state === 'reconnecting'), 3_000, since).catch(async (e: unknown) => { const r = await run('tmux show -g prefix; tmux list-keys -T prefix d; tmux list-clients -F "#{client_name} #{client_flags} #{client_key_table} #{client_prefix} #{client_termname}"; tmux -V'); console.log('DEBUG', r.out, r.err, JSON.stringify(link.text(t.id, 0).slice(-200))); throw e; });
    expect(detached.payload).toMatchObject({ terminal: { message: expect.stringContaining('Detached') } });
    await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.state === 'open'), 5_000, since);
    // The same shell, so what it held is still there.
    expect(await typeAndWait(link, t.id, 'echo "[$KEEP]"')).toContain('[still-here]');
    const exited = terminalIs(t.id, (i) => i.state === 'exited');
    expect(rec.log.filter((r) => r.at >= since && r.event === 'terminals.changed').some((r) => exited(r.payload as TerminalsChange))).toBe(false);
    ok(await link.call('terminals.close', { id: t.id }));
  });

  it('reattaches the agent terminal when the agent restarts, and ends its shells', async () => {
    const link = newLink();
    const tmux = await open(link, 'agent');
    const shell = await open(link, 'shell');
    const since = Date.now();
    expect(ok<Agent>(await link.call('agents.action', { name: agent, action: 'restart', force: true })).status).toBe('Running');
    await rec.waitFor('terminals.changed', terminalIs(tmux.id, (i) => i.state === 'reconnecting'), 5_000, since);
    await rec.waitFor('terminals.changed', terminalIs(shell.id, (i) => i.state === 'exited'), 5_000, since);
    await rec.waitFor('terminals.changed', terminalIs(tmux.id, (i) => i.state === 'open'), 10_000, since);
    await typeAndWait(link, tmux.id, 'echo after restart');
    expect(failed(await link.input(shell.id, 'x')).code).toBe('unavailable');
    for (const id of [tmux.id, shell.id]) ok(await link.call('terminals.close', { id }));
  });

  it('carries terminal bytes over the browser-mode WebSocket as binary frames, both ways', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enclave-term-web-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    const host = await startWebHost({ backend, staticDir: dir });
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WS_PATH}?${TOKEN_PARAM}=${host.token}`);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const replies = new Map<number, Reply>();
      const chunks: Buffer[] = [];
      let binaryFrames = 0;
      ws.on('message', (raw: Buffer, isBinary: boolean) => {
        const frame = decodeFrame(isBinary ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : raw.toString('utf8')) as ServerFrame;
        if (frame.t === 'reply') replies.set(frame.id, frame.reply);
        if (frame.t === 'event' && frame.event === 'terminals.data') {
          expect(isBinary).toBe(true);
          binaryFrames++;
          chunks.push(Buffer.from((frame.payload as TerminalData).data));
        }
      });
      let nextId = 0;
      const call = async (method: string, args: unknown): Promise<Reply> => {
        const id = ++nextId;
        ws.send(encodeFrame({ t: 'call', id, method, args }));
        return until(`the reply to ${method}`, () => replies.get(id), 5_000);
      };
      const t = ok<TerminalInfo>(await call('terminals.open', { agent, kind: 'shell', cols: 80, rows: 24 }));
      await until('the prompt', () => chunks.length > 0, 5_000);
      // Input as bytes (a binary frame), including bytes that are not UTF-8.
      const line = Buffer.concat([Buffer.from("printf 'W<%s>W' \""), Buffer.from([0xc3, 0xa9, 0xff]), Buffer.from('" | od -An -tx1; printf \'E\\116D\'\r')]);
      ok(await call('terminals.input', { id: t.id, data: new Uint8Array(line) }));
      const out = await until('the output', () => {
        const all = Buffer.concat(chunks).toString('latin1');
        return all.includes('END') && all;
      }, 5_000);
      // The shell received exactly those bytes (c3 a9 ff), and its echo came back as bytes too.
      expect(out).toMatch(/57 3c c3 a9 ff 3e 57/);
      expect(Buffer.concat(chunks).indexOf(Buffer.from([0x22, 0xc3, 0xa9, 0xff, 0x22]))).toBeGreaterThanOrEqual(0);
      expect(binaryFrames).toBe(chunks.length);
      const total = chunks.reduce((n, c) => n + c.length, 0);
      ok(await call('terminals.ack', { id: t.id, bytes: total }));
      // Text where bytes belong is refused, not converted.
      expect(failed(await call('terminals.input', { id: t.id, data: 'echo text' })).code).toBe('invalid-arguments');

      // The socket going away detaches it; the session stays for the next window.
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
      const other = newLink();
      expect(ok<TerminalInfo[]>(await other.call('terminals.list')).find((i) => i.id === t.id)?.state).toBe('open');
      ok(await other.call('terminals.attach', { id: t.id }));
      expect(other.text(t.id)).toContain('END');
      ok(await other.call('terminals.close', { id: t.id }));
    } finally {
      ws.terminate();
      await host.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts the agent tmux session even when another session name begins with "agent"', async () => {
    // (agent-old first: killing the last session ends the server, which races with a new one.)
    const setup = await run('tmux new-session -d -s agent-old && tmux kill-session -t =agent; tmux has-session -t =agent-old && ! tmux has-session -t =agent');
    expect(setup).toMatchObject({ code: 0 });
    expect(await ensureAgentSession(project.client, agent)).toBe(true);
    expect((await run('tmux has-session -t =agent')).code).toBe(0);
    // And it is left alone when it runs.
    const pid = (await run("tmux display -p -t =agent: '#{pid}:#{session_created}'")).out;
    expect(await ensureAgentSession(project.client, agent)).toBe(true);
    expect((await run("tmux display -p -t =agent: '#{pid}:#{session_created}'")).out).toBe(pid);
    await run('tmux kill-session -t =agent-old');
  });

  it('starts the agent tmux session once when it races with terminals attaching', async () => {
    for (let round = 0; round < 3; round++) {
      // No session: the starts below and the terminals' new-session -A all race to make it.
      await run('tmux kill-server');
      await until('the server to go', async () => (await run('tmux has-session -t =agent')).code !== 0, 3_000);
      const links = [newLink(), newLink()];
      const [a, b, ...terms] = await Promise.all([
        ensureAgentSession(project.client, agent),
        ensureAgentSession(project.client, agent),
        ...links.map((l) => open(l, 'agent')),
      ]);
      expect([a, b]).toEqual([true, true]);
      expect((await run("tmux list-sessions -F '#{session_name}'")).out.trim()).toBe('agent');
      for (const [i, t] of terms.entries()) ok(await links[i]!.call('terminals.close', { id: t.id }));
    }
  });

  it('refuses to open a terminal on a stopped agent, and unknown ids', async () => {
    const link = newLink();
    const stopped = `stopped-${suffix()}`;
    ok(await link.call('agents.create', { name: stopped, image: AGENT_IMAGE }));
    ok(await link.call('agents.action', { name: stopped, action: 'stop', force: true }));
    for (const kind of ['agent', 'shell']) {
      const err = failed(await link.call('terminals.open', { agent: stopped, kind, cols: 80, rows: 24 }));
      expect(err.code).toBe('conflict');
      expect(err.message).toContain(stopped);
      expect(err.message).toMatch(/stopped.*start it/);
    }
    expect(failed(await link.call('terminals.open', { agent: 'no-such-agent', kind: 'shell', cols: 80, rows: 24 })).code).toBe('not-found');
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, args] of [
      ['terminals.attach', { id: unknown }],
      ['terminals.detach', { id: unknown }],
      ['terminals.input', { id: unknown, data: new Uint8Array([1]) }],
      ['terminals.resize', { id: unknown, cols: 80, rows: 24 }],
      ['terminals.close', { id: unknown }],
    ] as const) {
      const err = failed(await link.call(method, args));
      expect(err.code).toBe('not-found');
      expect(err.message).toContain(unknown);
    }
    expect(ok<TerminalInfo[]>(await link.call('terminals.list')).map((i) => i.agent)).not.toContain(stopped);
    ok(await link.call('agents.delete', { name: stopped }));
  });

  it('without tmux in the image, the agent terminal is a plain shell and says so', async () => {
    const link = newLink();
    const bare = `bare-${suffix()}`;
    ok(await link.call('agents.create', { name: bare, image: AGENT_IMAGE }));
    const r = await execCommand(project.client, bare, ['sh', '-c', 'tmux kill-server; rm -f "$(command -v tmux)"; sh -c "! command -v tmux"']);
    expect(r.exitCode).toBe(0);
    const t = await open(link, 'agent', 80, 24, bare);
    expect(t).toMatchObject({ kind: 'agent', persistent: false, notice: NO_TMUX_NOTICE, state: 'open' });
    await typeAndWait(link, t.id, 'echo hello');
    ok(await link.call('terminals.close', { id: t.id }));
    ok(await link.call('agents.delete', { name: bare }));
  });
});
