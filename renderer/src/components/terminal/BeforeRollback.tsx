import { useLayoutEffect, useRef, useState } from 'react';
import type { BeforeRollback as Kept } from '../../terminal/session.js';

interface BeforeRollbackProps {
  kept: readonly Kept[];
  onDismiss(): void;
}

function clock(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : new Date(at).toLocaleTimeString();
}

function RollbackGlyph() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M3.5 5.5A5 5 0 1 1 3 8.5" />
      <path d="M3.25 2.5v3.25H6.5" />
    </svg>
  );
}

/**
 * What a terminal showed before rollbacks restarted its agent, each above Enclave's marker,
 * with the live terminal below. Drawn in the page, outside the terminal: tmux draws in xterm's
 * alternate screen, which has no scrollback, so text written into xterm would sit hidden
 * behind the new session; and nothing the agent prints can look like this bar, since the
 * agent's output only ever reaches the xterm canvas and the plain text inside the <pre>.
 */
export function BeforeRollback({ kept, onDismiss }: BeforeRollbackProps) {
  const [open, setOpen] = useState(true);
  const text = useRef<HTMLPreElement>(null);
  const newest = kept[kept.length - 1];

  // Like scrollback: the lines just before the marker are the ones in view.
  useLayoutEffect(() => {
    const element = text.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [open, newest]);

  if (!newest) return null;
  return (
    <div className="term-before" data-testid="terminal-before">
      {open && (
        <pre ref={text} className="term-before-text" data-testid="terminal-before-text" tabIndex={0} aria-label="Terminal output from before the rollback">
          {kept.map((k, i) => (
            <span key={k.at}>
              {k.text}
              {i < kept.length - 1 && (
                <span className="term-before-inline-marker" role="separator">
                  {`rolled back to ${k.snapshot} at ${clock(k.at)}`}
                </span>
              )}
              {i < kept.length - 1 && '\n'}
            </span>
          ))}
        </pre>
      )}
      <div className="term-rollback-marker" role="separator" aria-orientation="horizontal" data-testid="terminal-rollback-marker">
        <RollbackGlyph />
        <span className="term-rollback-marker-text">
          Rolled back to <strong>{newest.snapshot}</strong> at {clock(newest.at)}; processes restarted.{' '}
          {open ? 'Above: the output from before. Below: the new session.' : 'The output from before is hidden.'}
        </span>
        <button type="button" className="link-button term-rollback-toggle" data-testid="terminal-before-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide earlier output' : 'Show earlier output'}
        </button>
        <button type="button" className="link-button term-rollback-toggle" data-testid="terminal-before-dismiss" title="Drop the earlier output from this tab" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
