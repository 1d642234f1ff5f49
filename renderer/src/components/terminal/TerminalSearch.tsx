import { type KeyboardEvent, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { TerminalSession } from '../../terminal/session.js';
import { ArrowIcon, CloseIcon } from './icons.js';

interface TerminalSearchProps {
  session: TerminalSession;
  onClose(): void;
}

/** Find in the terminal's scrollback: Enter next, Shift+Enter previous, Escape closes. */
export function TerminalSearch({ session, onClose }: TerminalSearchProps) {
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [regex, setRegex] = useState(false);
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [snapshot.findRequest]);

  // Searching as one types: from the current match onwards, growing the selection.
  useEffect(() => {
    if (query) session.find(query, 'next', { caseSensitive, regex, incremental: true });
    else session.clearSearch();
  }, [session, query, caseSensitive, regex]);

  const find = (direction: 'next' | 'previous') => session.find(query, direction, { caseSensitive, regex });

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      find(event.shiftKey ? 'previous' : 'next');
    }
  }

  const result = snapshot.search;
  let count = '';
  if (query && result) {
    if (result.count === 0) count = 'No results';
    else if (result.index < 0) count = `${result.count}+ matches`;
    else count = `${result.index + 1} of ${result.count}`;
  }

  return (
    <div className="term-search" role="search" data-testid="terminal-search" onMouseDown={(e) => e.stopPropagation()}>
      <input
        ref={input}
        type="text"
        className="term-search-input"
        placeholder="Find"
        aria-label="Find in terminal"
        spellCheck={false}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <span className="term-search-count" aria-live="polite">
        {count}
      </span>
      <button
        type="button"
        className={`term-search-toggle${caseSensitive ? ' is-on' : ''}`}
        aria-pressed={caseSensitive}
        title="Match case"
        onClick={() => setCaseSensitive((on) => !on)}
      >
        Aa
      </button>
      <button
        type="button"
        className={`term-search-toggle${regex ? ' is-on' : ''}`}
        aria-pressed={regex}
        title="Regular expression"
        onClick={() => setRegex((on) => !on)}
      >
        .*
      </button>
      <button type="button" className="icon-button term-mini" aria-label="Previous match" title="Previous (Shift+Enter)" onClick={() => find('previous')}>
        <ArrowIcon up />
      </button>
      <button type="button" className="icon-button term-mini" aria-label="Next match" title="Next (Enter)" onClick={() => find('next')}>
        <ArrowIcon up={false} />
      </button>
      <button type="button" className="icon-button term-mini" aria-label="Close search" title="Close (Escape)" onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
