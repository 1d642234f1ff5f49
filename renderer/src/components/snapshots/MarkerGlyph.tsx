import type { MarkerKind } from '../../lib/timeline.js';

/**
 * The shape of each kind of timeline event, so kinds differ by shape and not colour alone:
 * manual = filled circle, scheduled = small square, safety = shield (amber), restore = arrow
 * turning back, clone = branch, created = flag, alert = triangle, brought-back = arrow down into a tray.
 */
export function MarkerGlyph({ kind, size = 12 }: { kind: MarkerKind; size?: number }) {
  return (
    <svg className={`glyph glyph-${kind}`} viewBox="0 0 12 12" width={size} height={size} aria-hidden="true">
      {shape(kind)}
    </svg>
  );
}

function shape(kind: MarkerKind) {
  switch (kind) {
    case 'manual':
      return <circle cx="6" cy="6" r="4.6" fill="currentColor" />;
    case 'scheduled':
      return <rect x="2.4" y="2.4" width="7.2" height="7.2" rx="0.8" fill="currentColor" />;
    case 'safety':
      return <path d="M6 0.9 10.6 2.6V5.9C10.6 8.5 8.7 10.3 6 11.2 3.3 10.3 1.4 8.5 1.4 5.9V2.6Z" fill="currentColor" />;
    case 'restore':
      return (
        <g fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round">
          <path d="M3.1 4.4A3.7 3.7 0 1 1 2.6 7.6" />
          <path d="M2.6 1.6V4.6H5.6" />
        </g>
      );
    case 'clone':
      return (
        <g fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round">
          <circle cx="3" cy="2.6" r="1.4" />
          <circle cx="3" cy="9.4" r="1.4" />
          <circle cx="9" cy="4" r="1.4" />
          <path d="M3 4V8M9 5.4C9 7.4 5 6.6 3.6 8.2" />
        </g>
      );
    case 'created':
      return (
        <g fill="currentColor">
          <rect x="2" y="1" width="1.5" height="10.4" rx="0.6" />
          <path d="M3.5 1.6H10L8.4 4.1 10 6.6H3.5Z" />
        </g>
      );
    case 'alert':
      return (
        <g>
          <path d="M6 1 11.3 10.6H0.7Z" fill="currentColor" />
          <path d="M6 4.4V7.3M6 8.8V9" stroke="var(--surface)" strokeWidth="1.4" strokeLinecap="round" />
        </g>
      );
    case 'brought-back':
      return (
        <g fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 1V7M3.4 4.6 6 7.2 8.6 4.6" />
          <path d="M1.4 7.6V10.6H10.6V7.6" />
        </g>
      );
  }
}
