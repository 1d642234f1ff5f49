import { useEffect, useRef } from 'react';

/** The build's log, following its end unless the user scrolled up to read. */
export function BuildLog({ text, testId }: { text: string; testId: string }) {
  const pre = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    const el = pre.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <pre
      ref={pre}
      className="build-log"
      data-testid={testId}
      tabIndex={0}
      aria-label="Build log"
      onScroll={(event) => {
        const el = event.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {text || 'Waiting for output…'}
    </pre>
  );
}
