import { type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTerminalUi } from '../../stores/terminal-ui.js';
import { isMacPlatform } from '../../terminal/links.js';
import type { TerminalSession } from '../../terminal/session.js';

interface TerminalContextMenuProps {
  session: TerminalSession;
  /** Where the user right-clicked, relative to the terminal view. */
  x: number;
  y: number;
  onFind(): void;
  onCloseTab(): void;
  onDismiss(): void;
}

interface Item {
  label: string;
  shortcut?: string;
  disabled?: boolean;
  run(): void;
}

const mod = isMacPlatform ? '⌘' : 'Ctrl+';
const shift = isMacPlatform ? '' : 'Shift+';

/** The terminal's right-click menu. Escape or a click elsewhere closes it. */
export function TerminalContextMenu({ session, x, y, onFind, onCloseTab, onDismiss }: TerminalContextMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: x, top: y });
  const zoom = useTerminalUi((state) => state.zoom);

  const groups: Item[][] = [
    [
      { label: 'Copy', shortcut: `${mod}${shift}C`, disabled: !session.hasSelection(), run: () => session.copySelection() },
      { label: 'Paste', shortcut: `${mod}${shift}V`, run: () => void session.pasteFromClipboard() },
      { label: 'Select all', run: () => session.selectAll() },
    ],
    [
      { label: 'Find…', shortcut: `${mod}${shift}F`, run: onFind },
      { label: 'Clear', run: () => session.clear() },
    ],
    [
      { label: 'Zoom in', shortcut: `${mod}=`, run: () => zoom(1) },
      { label: 'Zoom out', shortcut: `${mod}-`, run: () => zoom(-1) },
      { label: 'Reset zoom', shortcut: `${mod}0`, run: () => zoom(0) },
    ],
    [{ label: 'Close tab', run: onCloseTab }],
  ];

  // Keep the menu inside the terminal view.
  useLayoutEffect(() => {
    const element = menu.current;
    const parent = element?.parentElement;
    if (!element || !parent) return;
    const left = Math.max(4, Math.min(x, parent.clientWidth - element.offsetWidth - 4));
    const top = Math.max(4, Math.min(y, parent.clientHeight - element.offsetHeight - 4));
    setPosition({ left, top });
    element.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
  }, [x, y]);

  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node)) onDismiss();
    };
    const onBlur = () => onDismiss();
    document.addEventListener('pointerdown', onPointer, true);
    window.addEventListener('blur', onBlur);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      window.removeEventListener('blur', onBlur);
    };
  }, [onDismiss]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      onDismiss();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus();
    }
  }

  return (
    <div
      ref={menu}
      className="term-menu"
      role="menu"
      data-testid="terminal-menu"
      style={{ left: position.left, top: position.top }}
      onKeyDown={onKeyDown}
      onMouseDown={(event) => event.stopPropagation()}
      onContextMenu={(event) => {
        event.preventDefault();
        event.stopPropagation();
      }}
    >
      {groups.map((group, g) => (
        <div key={g} className="term-menu-group" role="group">
          {group.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              className="term-menu-item"
              disabled={item.disabled}
              onClick={() => {
                onDismiss();
                item.run();
              }}
            >
              <span>{item.label}</span>
              {item.shortcut && <kbd>{item.shortcut}</kbd>}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
