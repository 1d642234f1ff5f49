/** The header's icons, drawn to read apart at a glance: a toothed gear, a sun, a moon, a half disc. All decorative (their buttons are named). */

/** A toothed wheel with a hub, on a 24-unit grid: no rays, so it never reads as a sun. */
export const GEAR_OUTLINE = 'M19.34 10.03L21.90 10.61L21.90 13.39L19.34 13.97L18.58 15.80L19.99 18.02L18.02 19.99L15.80 18.58L13.97 19.34L13.39 21.90L10.61 21.90L10.03 19.34L8.20 18.58L5.98 19.99L4.01 18.02L5.42 15.80L4.66 13.97L2.10 13.39L2.10 10.61L4.66 10.03L5.42 8.20L4.01 5.98L5.98 4.01L8.20 5.42L10.03 4.66L10.61 2.10L13.39 2.10L13.97 4.66L15.80 5.42L18.02 4.01L19.99 5.98L18.58 8.20Z';

export function SettingsGearIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round">
      <path d={GEAR_OUTLINE} />
      <circle cx="12" cy="12" r="3.2" />
    </svg>
  );
}

export function SunIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <circle cx="12" cy="12" r="4.5" fill="currentColor" />
      <g stroke="currentColor" strokeWidth="2" strokeLinecap="round">
        <path d="M12 1.5v2.5M12 20v2.5M1.5 12H4M20 12h2.5M4.6 4.6l1.8 1.8M17.6 17.6l1.8 1.8M4.6 19.4l1.8-1.8M17.6 6.4l1.8-1.8" />
      </g>
    </svg>
  );
}

export function MoonIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path fill="currentColor" d="M20.5 14.6A8.5 8.5 0 0 1 9.4 3.5a8.5 8.5 0 1 0 11.1 11.1Z" />
    </svg>
  );
}

/** Following the system: a disc, half filled, in a ring (neither the sun nor the moon). */
export function SystemThemeIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <circle cx="12" cy="12" r="8.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path fill="currentColor" d="M12 5.5a6.5 6.5 0 0 1 0 13Z" />
    </svg>
  );
}
