import { GEAR_OUTLINE } from '../HeaderIcons.js';

/** Small stroke icons for the terminal dock; all decorative (buttons carry aria-labels). */
const common = {
  viewBox: '0 0 16 16',
  width: 14,
  height: 14,
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.5,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
  'aria-hidden': true,
};

export function TerminalIcon() {
  return (
    <svg {...common}>
      <rect x="1.75" y="2.75" width="12.5" height="10.5" rx="2" />
      <path d="M4.5 6.25l2 1.75-2 1.75M8.5 10h3" />
    </svg>
  );
}

export function ShellIcon() {
  return (
    <svg {...common}>
      <path d="M3 4.5l3.5 3.5L3 11.5M8 12h5" />
    </svg>
  );
}

export function LayoutSingleIcon() {
  return (
    <svg {...common}>
      <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
    </svg>
  );
}

export function LayoutSplitIcon() {
  return (
    <svg {...common}>
      <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
      <path d="M8 2.5v11" />
    </svg>
  );
}

export function LayoutGridIcon() {
  return (
    <svg {...common}>
      <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
      <path d="M8 2.5v11M2 8h12" />
    </svg>
  );
}

export function MaximizeIcon({ restore }: { restore: boolean }) {
  return restore ? (
    <svg {...common}>
      <path d="M5.5 2.5v3h-3M10.5 2.5v3h3M5.5 13.5v-3h-3M10.5 13.5v-3h3" />
    </svg>
  ) : (
    <svg {...common}>
      <path d="M2.5 5.5v-3h3M13.5 5.5v-3h-3M2.5 10.5v3h3M13.5 10.5v3h-3" />
    </svg>
  );
}

export function ChevronIcon({ up }: { up: boolean }) {
  return (
    <svg {...common}>
      <path d={up ? 'M4 10l4-4 4 4' : 'M4 6l4 4 4-4'} />
    </svg>
  );
}

export function GearIcon() {
  return (
    <svg {...common} viewBox="0 0 24 24" strokeWidth={2}>
      <path d={GEAR_OUTLINE} />
      <circle cx="12" cy="12" r="3.2" />
    </svg>
  );
}

export function CloseIcon() {
  return (
    <svg {...common} width={12} height={12}>
      <path d="M4 4l8 8M12 4l-8 8" />
    </svg>
  );
}

export function ArrowIcon({ up }: { up: boolean }) {
  return (
    <svg {...common}>
      <path d={up ? 'M8 12.5v-9M4.5 7L8 3.5 11.5 7' : 'M8 3.5v9M4.5 9L8 12.5 11.5 9'} />
    </svg>
  );
}

export function WarningIcon() {
  return (
    <svg {...common}>
      <path d="M8 2.25l6.25 11H1.75z" />
      <path d="M8 6.5v3M8 11.5v.01" />
    </svg>
  );
}
