/** The schedule editor's presets and the Incus `snapshots.schedule` values they stand for. */

export type SchedulePreset = 'off' | 'hourly' | 'daily' | 'custom';

export const SCHEDULE_PRESETS: readonly { value: SchedulePreset; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'hourly', label: 'Hourly' },
  { value: 'daily', label: 'Daily' },
  { value: 'custom', label: 'Custom (cron)' },
];

/** What the cron field starts with when the user picks Custom with nothing to go on. */
export const DEFAULT_CUSTOM_CRON = '0 */6 * * *';

const HOURLY = new Set(['@hourly', '0 * * * *']);
const DAILY = new Set(['@daily', '@midnight', '0 0 * * *']);

/** The preset a schedule shows as; anything that is not off, hourly or daily is custom. */
export function presetOf(schedule: string): SchedulePreset {
  const s = schedule.trim().replace(/\s+/g, ' ');
  if (s === '') return 'off';
  if (HOURLY.has(s)) return 'hourly';
  if (DAILY.has(s)) return 'daily';
  return 'custom';
}

/** The schedule to save for a preset; `custom` is the cron field's text. */
export function scheduleFor(preset: SchedulePreset, custom: string): string {
  switch (preset) {
    case 'off':
      return '';
    case 'hourly':
      return '@hourly';
    case 'daily':
      return '@daily';
    case 'custom':
      return custom.trim();
  }
}

/** The cron text to show when switching to Custom from `schedule`. */
export function customCronFrom(schedule: string): string {
  const s = schedule.trim();
  if (s === '' || s.startsWith('@')) {
    if (HOURLY.has(s)) return '0 * * * *';
    if (DAILY.has(s)) return '0 0 * * *';
    return DEFAULT_CUSTOM_CRON;
  }
  return s;
}

/** "Off", "Every hour", "Every day at midnight", or the cron line itself. */
export function describeSchedule(schedule: string): string {
  const s = schedule.trim();
  switch (presetOf(s)) {
    case 'off':
      return 'Off';
    case 'hourly':
      return 'Every hour';
    case 'daily':
      return 'Every day at midnight';
    case 'custom':
      if (s === '@weekly') return 'Every week';
      if (s === '@monthly') return 'Every month';
      if (s === '@yearly' || s === '@annually') return 'Every year';
      return `cron "${s}"`;
  }
}

/** The editor's state: the preset chosen and the cron field's text (kept apart: see below). */
export interface ScheduleDraft {
  preset: SchedulePreset;
  cron: string;
  expiry: string;
}

/** The cron field shows the preset's cron line, so the two read as one setting. */
export function draftFrom(schedule: { schedule: string; expiry: string }): ScheduleDraft {
  const preset = presetOf(schedule.schedule);
  return { preset, cron: preset === 'off' ? '' : customCronFrom(schedule.schedule), expiry: schedule.expiry };
}

/** Picking a preset fills the cron field with its line; Custom keeps (or proposes) one. */
export function withPreset(draft: ScheduleDraft, preset: SchedulePreset): ScheduleDraft {
  if (preset === 'custom') return { ...draft, preset, cron: draft.cron.trim() || DEFAULT_CUSTOM_CRON };
  return { ...draft, preset, cron: preset === 'off' ? '' : customCronFrom(scheduleFor(preset, '')) };
}

/** Typing a cron line makes the schedule custom; clearing it turns the schedule off. */
export function withCron(draft: ScheduleDraft, cron: string): ScheduleDraft {
  return { ...draft, cron, preset: cron.trim() === '' ? 'off' : 'custom' };
}

export function scheduleFromDraft(draft: ScheduleDraft): { schedule: string; expiry: string } {
  return { schedule: scheduleFor(draft.preset, draft.cron), expiry: draft.expiry.trim() };
}
