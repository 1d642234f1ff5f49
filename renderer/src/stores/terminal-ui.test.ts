import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FONT_SIZE, MAX_FONT_SIZE } from '../terminal/prefs.js';
import { useTerminalUi } from './terminal-ui.js';

describe('useTerminalUi', () => {
  beforeEach(() =>
    useTerminalUi.setState({ active: null, recent: [], activity: {}, fontSize: DEFAULT_FONT_SIZE, collapsed: false, maximized: false }),
  );

  it('activate makes a terminal current, most recent, seen, and shows the dock', () => {
    const ui = useTerminalUi.getState();
    ui.markActivity('b');
    ui.setCollapsed(true);
    ui.activate('a');
    ui.activate('b');
    const state = useTerminalUi.getState();
    expect(state.active).toBe('b');
    expect(state.recent).toEqual(['b', 'a']);
    expect(state.activity).toEqual({});
    expect(state.collapsed).toBe(false);
  });

  it('forget drops a closed terminal everywhere', () => {
    const ui = useTerminalUi.getState();
    ui.activate('a');
    ui.activate('b');
    ui.markActivity('a');
    ui.forget('b');
    const state = useTerminalUi.getState();
    expect(state.active).toBeNull();
    expect(state.recent).toEqual(['a']);
    ui.forget('a');
    expect(useTerminalUi.getState().activity).toEqual({});
  });

  it('zoom steps, clamps and resets', () => {
    const ui = useTerminalUi.getState();
    ui.zoom(1);
    expect(useTerminalUi.getState().fontSize).toBe(DEFAULT_FONT_SIZE + 1);
    for (let i = 0; i < 100; i++) useTerminalUi.getState().zoom(1);
    expect(useTerminalUi.getState().fontSize).toBe(MAX_FONT_SIZE);
    useTerminalUi.getState().zoom(0);
    expect(useTerminalUi.getState().fontSize).toBe(DEFAULT_FONT_SIZE);
  });

  it('markActivity keeps the same object when already marked', () => {
    useTerminalUi.getState().markActivity('x');
    const first = useTerminalUi.getState().activity;
    useTerminalUi.getState().markActivity('x');
    expect(useTerminalUi.getState().activity).toBe(first);
  });
});
