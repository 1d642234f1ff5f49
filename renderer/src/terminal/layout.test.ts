import { describe, expect, it } from 'vitest';
import type { TerminalInfo } from '../../../shared/types.js';
import { byCreation, gridColumns, lastPaneSpan, parseLayout, resolveActive, terminalLabel, touchRecent, visibleTerminals } from './layout.js';

const tabs = ['a', 'b', 'c', 'd'];

describe('resolveActive', () => {
  it('keeps the chosen tab, else the most recent existing one, else the first', () => {
    expect(resolveActive(tabs, 'c', [])).toBe('c');
    expect(resolveActive(tabs, 'gone', ['x', 'b'])).toBe('b');
    expect(resolveActive(tabs, null, [])).toBe('a');
    expect(resolveActive([], 'a', ['a'])).toBeNull();
  });
});

describe('touchRecent', () => {
  it('moves to the front without repeats', () => {
    expect(touchRecent(['a', 'b', 'c'], 'c')).toEqual(['c', 'a', 'b']);
    expect(touchRecent(['a', 'b', 'c'], 'z', 2)).toEqual(['z', 'a']);
  });
});

describe('visibleTerminals', () => {
  it('single shows the active one', () => {
    expect(visibleTerminals('single', tabs, 'c', [])).toEqual(['c']);
  });

  it('split shows the active one and the previously used one, in tab order', () => {
    expect(visibleTerminals('split', tabs, 'c', ['c', 'a'])).toEqual(['a', 'c']);
    expect(visibleTerminals('split', tabs, 'a', ['a', 'c'])).toEqual(['a', 'c']);
  });

  it('split falls back to a neighbour, and to one pane with one tab', () => {
    expect(visibleTerminals('split', tabs, 'b', [])).toEqual(['b', 'c']);
    expect(visibleTerminals('split', tabs, 'd', ['d'])).toEqual(['c', 'd']);
    expect(visibleTerminals('split', ['a'], 'a', [])).toEqual(['a']);
  });

  it('grid shows all; nothing without tabs', () => {
    expect(visibleTerminals('grid', tabs, 'b', [])).toEqual(tabs);
    expect(visibleTerminals('grid', [], null, [])).toEqual([]);
  });
});

describe('misc', () => {
  it('gridColumns', () => {
    expect([1, 2, 3, 4, 5, 9, 10].map(gridColumns)).toEqual([1, 2, 2, 2, 3, 3, 4]);
  });

  it('lastPaneSpan fills the last row', () => {
    expect(lastPaneSpan(3, 2)).toBe(2);
    expect(lastPaneSpan(4, 2)).toBe(1);
    expect(lastPaneSpan(5, 3)).toBe(2);
    expect(lastPaneSpan(7, 3)).toBe(3);
    expect(lastPaneSpan(1, 1)).toBe(1);
  });

  it('parseLayout', () => {
    expect(parseLayout('grid')).toBe('grid');
    expect(parseLayout('nope')).toBeNull();
    expect(parseLayout(null)).toBeNull();
  });

  it('labels and order', () => {
    const base = { persistent: true, notice: null, state: 'open' as const, exitCode: null, message: null, cols: 80, rows: 24 };
    const agent: TerminalInfo = { ...base, id: '2', agent: 'a1', kind: 'agent', title: 'a1', createdAt: '2025-01-01T00:00:01Z' };
    const shell: TerminalInfo = { ...base, id: '1', agent: 'a1', kind: 'shell', title: 'a1 · shell 3', createdAt: '2025-01-01T00:00:02Z' };
    expect(terminalLabel(agent)).toBe('a1 · agent');
    expect(terminalLabel(shell)).toBe('a1 · shell 3');
    expect(terminalLabel({ ...shell, title: 'odd' })).toBe('a1 · shell');
    expect([shell, agent].sort(byCreation).map((t) => t.id)).toEqual(['2', '1']);
  });
});
