import { type ReactNode, type RefObject, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';

interface ModalProps {
  testId: string;
  labelledBy: string;
  describedBy?: string;
  /** Escape, and the dialog's own cancel buttons, call this. */
  onClose(): void;
  /** Focused when the dialog opens; defaults to the first focusable element. */
  initialFocus?: RefObject<HTMLElement | null>;
  className?: string;
  children: ReactNode;
}

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** What Tab reaches: not disabled, not taken out of the order (a tab list's other tabs), not hidden (another tab's panel). */
function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => !element.hasAttribute('disabled') && element.tabIndex >= 0 && element.getClientRects().length > 0,
  );
}

/** Open dialogs, innermost last: only the innermost one answers the keyboard. */
const openDialogs: HTMLElement[] = [];

/** A modal dialog: traps Tab inside, closes on Escape, and gives focus back when it closes. */
export function Modal({ testId, labelledBy, describedBy, onClose, initialFocus, className, children }: ModalProps) {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });

  useEffect(() => {
    const root = dialog.current;
    if (!root) return;
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    openDialogs.push(root);
    (initialFocus?.current ?? focusables(root)[0] ?? root).focus();

    // Listening on the document, not the dialog: focus falls to <body> when the focused
    // button becomes disabled (e.g. while a call runs), and keys must still work then.
    const onKeyDown = (event: KeyboardEvent) => {
      if (openDialogs[openDialogs.length - 1] !== root) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        close.current();
      } else if (event.key === 'Tab') {
        trapTab(root, event);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      openDialogs.splice(openDialogs.indexOf(root), 1);
      previouslyFocused?.focus();
    };
    // Only on open and close: focus must not jump while the user works in the dialog.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- initialFocus is read once, on open
  }, []);

  return createPortal(
    <div className="modal-backdrop">
      <div
        ref={dialog}
        className={className ? `modal ${className}` : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        data-testid={testId}
        tabIndex={-1}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}

function trapTab(root: HTMLElement, event: KeyboardEvent): void {
  const items = focusables(root);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) {
    event.preventDefault();
    root.focus();
    return;
  }
  const active = document.activeElement;
  if (!root.contains(active)) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  } else if (event.shiftKey && (active === first || active === root)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}
