import { type KeyboardEvent, type ReactNode, useLayoutEffect, useRef, useState } from 'react';
import { chunkOf, rowWindow } from '../../lib/changes-list.js';

/** Rows per chunk: the drawn rows change once per this many rows scrolled. */
const STEP = 8;

interface VirtualListProps<T> {
  items: readonly T[];
  keyOf(item: T): string;
  rowHeight: number;
  /** The list's height at most; shorter lists are as tall as their rows. */
  maxHeight: number;
  selected: string | null;
  onSelect(key: string): void;
  renderRow(item: T, selected: boolean): ReactNode;
  label: string;
  testId: string;
}

/**
 * A list of fixed-height rows of which only those on screen (and a few around) are in the DOM,
 * so a thousand changed files scroll as smoothly as ten. Arrow keys move the selection.
 */
export function VirtualList<T>({ items, keyOf, rowHeight, maxHeight, selected, onSelect, renderRow, label, testId }: VirtualListProps<T>) {
  const box = useRef<HTMLDivElement>(null);
  const [chunk, setChunk] = useState(0);
  const height = Math.min(maxHeight, Math.max(rowHeight, items.length * rowHeight));
  const win = rowWindow(chunk, height, rowHeight, items.length, STEP);
  const selectedIndex = selected === null ? -1 : items.findIndex((item) => keyOf(item) === selected);

  // The selected row is kept in sight when it moves by keyboard (or the list changed under it).
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [selectedIndex, rowHeight]);

  function onKeyDown(event: KeyboardEvent) {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : event.key === 'PageDown' ? 10 : event.key === 'PageUp' ? -10 : 0;
    const jump = event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : null;
    if (step === 0 && jump === null) return;
    event.preventDefault();
    const next = jump ?? Math.min(items.length - 1, Math.max(0, (selectedIndex < 0 ? 0 : selectedIndex) + step));
    const item = items[next];
    if (item !== undefined) onSelect(keyOf(item));
  }

  const rows: ReactNode[] = [];
  for (let i = win.start; i < win.end; i++) {
    const item = items[i];
    if (item === undefined) continue;
    const key = keyOf(item);
    const isSelected = key === selected;
    rows.push(
      <div
        key={key}
        role="option"
        aria-selected={isSelected}
        className={isSelected ? 'vlist-row is-selected' : 'vlist-row'}
        style={{ height: rowHeight }}
        data-index={i}
        onClick={() => onSelect(key)}
      >
        {renderRow(item, isSelected)}
      </div>,
    );
  }

  return (
    <div
      ref={box}
      className="vlist"
      role="listbox"
      aria-label={label}
      tabIndex={0}
      data-testid={testId}
      data-count={items.length}
      style={{ height }}
      // Same chunk, same number: React re-renders nothing.
      onScroll={(event) => setChunk(chunkOf(event.currentTarget.scrollTop, rowHeight, STEP))}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: win.padTop }} aria-hidden="true" />
      {rows}
      <div style={{ height: win.padBottom }} aria-hidden="true" />
    </div>
  );
}
