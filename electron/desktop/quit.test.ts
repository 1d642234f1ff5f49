import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanQuit, quitMessage, runningAgentCount, type CleanQuitOptions } from './quit.js';

/** Electron's quit: `before-quit` listeners may hold it back; otherwise the app is gone. */
class FakeApp extends EventEmitter {
  asked = 0;
  quitted = false;
  quit() {
    this.asked++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.quitted = true;
  }
}

function setup(over: Partial<CleanQuitOptions> = {}) {
  const app = new FakeApp();
  const said: string[] = [];
  const order: string[] = [];
  let stops = 0;
  cleanQuit(app, {
    stop: async () => {
      stops++;
      order.push('stop');
    },
    runningAgents: () => {
      order.push('count');
      return 3;
    },
    say: (m) => said.push(m),
    ...over,
  });
  return { app, said, order, stops: () => stops };
}

afterEach(() => vi.useRealTimers());

describe('cleanQuit', () => {
  it('stops the backend first, says how many agents keep running, then quits', async () => {
    const { app, said, order, stops } = setup();
    app.quit();
    expect(app.quitted).toBe(false);
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(stops()).toBe(1);
    expect(order).toEqual(['count', 'stop']);
    expect(said).toEqual([quitMessage(3)]);
    expect(app.asked).toBe(2);
  });

  it('waits for the first quit when asked again meanwhile, and says it once', async () => {
    const finishers: (() => void)[] = [];
    const { app, said } = setup({ stop: () => new Promise<void>((resolve) => finishers.push(resolve)) });
    app.quit();
    app.quit();
    await vi.waitFor(() => expect(finishers).toHaveLength(1));
    app.quit();
    expect(app.quitted).toBe(false);
    finishers[0]?.();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(finishers).toHaveLength(1);
    expect(said).toHaveLength(1);
  });

  it('quits even when the stop hangs, once the timeout is over', async () => {
    vi.useFakeTimers();
    const { app, said } = setup({ stop: () => new Promise<void>(() => {}), timeoutMs: 5000 });
    app.quit();
    await vi.advanceTimersByTimeAsync(4999);
    expect(app.quitted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(app.quitted).toBe(true);
    expect(said).toEqual([quitMessage(3)]);
  });

  it('quits when the stop throws or rejects', async () => {
    for (const stop of [
      () => {
        throw new Error('boom');
      },
      () => Promise.reject(new Error('boom')),
    ]) {
      const { app, said } = setup({ stop });
      app.quit();
      await vi.waitFor(() => expect(app.quitted).toBe(true));
      expect(said).toEqual([quitMessage(3)]);
    }
  });

  it('quits when counting or saying fails', async () => {
    const { app, said } = setup({
      runningAgents: () => {
        throw new Error('no registry');
      },
    });
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(said).toEqual([quitMessage(null)]);

    const silent = setup({
      say: () => {
        throw new Error('no notifications');
      },
    });
    silent.app.quit();
    await vi.waitFor(() => expect(silent.app.quitted).toBe(true));
  });
});

describe('quitMessage', () => {
  it('says how many agents keep running, and that nothing stopped them', () => {
    expect(quitMessage(3)).toBe('Enclave has quit. 3 agents keep running in Incus, with their terminal sessions; open Enclave to see them again.');
    expect(quitMessage(1)).toBe('Enclave has quit. 1 agent keeps running in Incus, with its terminal sessions; open Enclave to see it again.');
    expect(quitMessage(0)).toBe('Enclave has quit. No agent was running.');
    expect(quitMessage(null)).toBe('Enclave has quit. Its agents keep running in Incus; open Enclave to see them again.');
  });
});

describe('runningAgentCount', () => {
  it('counts the running agents only', () => {
    expect(runningAgentCount([{ status: 'Running' }, { status: 'Stopped' }, { status: 'Frozen' }, { status: 'Running' }])).toBe(2);
  });
});
