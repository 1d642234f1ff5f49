import { useEffect, useId, useRef, useState } from 'react';
import { useTerminalUi } from '../../stores/terminal-ui.js';
import { MAX_FONT_SIZE, MIN_FONT_SIZE } from '../../terminal/prefs.js';
import { GearIcon } from './icons.js';

/** Terminal preferences for this browser: font size, the OSC 52 clipboard permission, screen reader mode. */
export function TerminalSettings() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const osc52Id = useId();
  const readerId = useId();
  const fontSize = useTerminalUi((state) => state.fontSize);
  const zoom = useTerminalUi((state) => state.zoom);
  const allowOsc52 = useTerminalUi((state) => state.allowOsc52);
  const setAllowOsc52 = useTerminalUi((state) => state.setAllowOsc52);
  const screenReaderMode = useTerminalUi((state) => state.screenReaderMode);
  const setScreenReaderMode = useTerminalUi((state) => state.setScreenReaderMode);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="dock-popover-anchor" ref={root}>
      <button
        type="button"
        className={`icon-button dock-button${open ? ' is-on' : ''}`}
        aria-label="Terminal settings"
        title="Terminal settings"
        aria-expanded={open}
        data-testid="terminal-settings"
        onClick={() => setOpen((was) => !was)}
      >
        <GearIcon />
      </button>
      {open && (
        <div className="dock-popover" role="dialog" aria-label="Terminal settings">
          <div className="dock-popover-row">
            <span>Font size</span>
            <span className="dock-stepper">
              <button type="button" className="icon-button term-mini" aria-label="Smaller text" disabled={fontSize <= MIN_FONT_SIZE} onClick={() => zoom(-1)}>
                −
              </button>
              <span className="dock-stepper-value">{fontSize}px</span>
              <button type="button" className="icon-button term-mini" aria-label="Larger text" disabled={fontSize >= MAX_FONT_SIZE} onClick={() => zoom(1)}>
                +
              </button>
            </span>
          </div>
          <label className="dock-popover-check" htmlFor={osc52Id}>
            <input
              id={osc52Id}
              type="checkbox"
              data-testid="terminal-osc52"
              checked={allowOsc52}
              onChange={(event) => setAllowOsc52(event.target.checked)}
            />
            <span>
              Allow programs to write the clipboard (OSC 52)
              <small>Lets tmux, vim and others copy to your clipboard. They can never read it.</small>
            </span>
          </label>
          <label className="dock-popover-check" htmlFor={readerId}>
            <input
              id={readerId}
              type="checkbox"
              data-testid="terminal-screen-reader"
              checked={screenReaderMode}
              onChange={(event) => setScreenReaderMode(event.target.checked)}
            />
            <span>
              Screen reader mode
              <small>Lets screen readers (NVDA, VoiceOver, Orca) read the terminal&apos;s text and announce new output. Slower when a lot is printed.</small>
            </span>
          </label>
        </div>
      )}
    </div>
  );
}
