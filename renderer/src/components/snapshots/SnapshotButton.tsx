import type { MouseEvent } from 'react';
import { isMacPlatform } from '../../terminal/links.js';
import { snapshotShortcutLabel } from '../../lib/shortcuts.js';
import { Spinner } from '../Spinner.js';
import { useMenu } from '../../hooks/useMenu.js';

interface SnapshotButtonProps {
  disabled: boolean;
  /** Why it is disabled, as its tooltip (e.g. Incus is unavailable). */
  disabledReason?: string | undefined;
  taking: boolean;
  /** Takes a snapshot at once, named by time. */
  onSnapshot(): void;
  /** Opens the dialog asking for a name and a comment. */
  onSnapshotNamed(): void;
  onOpenTimeline(): void;
}

/** "Snapshot" takes one now; Shift+click or the menu beside it asks for a name and comment first. */
export function SnapshotButton({ disabled, disabledReason, taking, onSnapshot, onSnapshotNamed, onOpenTimeline }: SnapshotButtonProps) {
  const { open, setOpen, root, firstItem } = useMenu();

  function click(event: MouseEvent) {
    if (event.shiftKey) onSnapshotNamed();
    else onSnapshot();
  }

  function choose(action: () => void) {
    setOpen(false);
    action();
  }

  return (
    <div className="split-button" ref={root}>
      <button
        type="button"
        className="button button-small split-main"
        data-action="snapshot"
        disabled={disabled}
        aria-busy={taking}
        title={disabledReason ?? `Take a snapshot now (${snapshotShortcutLabel(isMacPlatform)}); Shift+click to name it`}
        onClick={click}
      >
        {taking ? <Spinner /> : <CameraIcon />}
        Snapshot
      </button>
      <button
        type="button"
        className="button button-small split-toggle"
        data-action="snapshot-menu"
        aria-label="More snapshot actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 12 12" width="10" height="10" aria-hidden="true">
          <path d="M2.5 4.5 6 8l3.5-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Snapshot actions">
          <button
            ref={firstItem}
            type="button"
            role="menuitem"
            className="menu-item"
            data-action="snapshot-named"
            disabled={disabled}
            onClick={() => choose(onSnapshotNamed)}
          >
            Snapshot with name/comment…
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={() => choose(onOpenTimeline)}>
            All snapshots and timeline
          </button>
        </div>
      )}
    </div>
  );
}

export function CameraIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path
        d="M2 5.5A1.5 1.5 0 0 1 3.5 4h1.3l1-1.5h4.4l1 1.5h1.3A1.5 1.5 0 0 1 14 5.5v6a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 11.5Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
      <circle cx="8" cy="8.5" r="2.3" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}
