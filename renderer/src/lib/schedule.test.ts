import { describe, expect, it } from 'vitest';
import { scheduleProblem } from '../../../shared/names.js';
import {
  DEFAULT_CUSTOM_CRON,
  customCronFrom,
  describeSchedule,
  draftFrom,
  presetOf,
  scheduleFor,
  scheduleFromDraft,
  withCron,
  withPreset,
} from './schedule.js';

describe('schedule presets', () => {
  it('recognises presets by alias and by their cron line', () => {
    expect(presetOf('')).toBe('off');
    expect(presetOf('  ')).toBe('off');
    expect(presetOf('@hourly')).toBe('hourly');
    expect(presetOf('0 * * * *')).toBe('hourly');
    expect(presetOf('@daily')).toBe('daily');
    expect(presetOf('@midnight')).toBe('daily');
    expect(presetOf('0  0 * * *')).toBe('daily');
    expect(presetOf('0 */6 * * *')).toBe('custom');
    expect(presetOf('@weekly')).toBe('custom');
  });

  it('maps presets to schedules Incus and the backend accept, and back', () => {
    for (const preset of ['off', 'hourly', 'daily'] as const) {
      const schedule = scheduleFor(preset, 'ignored');
      expect(scheduleProblem(schedule)).toBeNull();
      expect(presetOf(schedule)).toBe(preset);
    }
    expect(scheduleFor('custom', ' 0 */6 * * * ')).toBe('0 */6 * * *');
  });

  it('shows the cron line behind a schedule', () => {
    expect(customCronFrom('@hourly')).toBe('0 * * * *');
    expect(customCronFrom('@daily')).toBe('0 0 * * *');
    expect(customCronFrom('')).toBe(DEFAULT_CUSTOM_CRON);
    expect(customCronFrom('@weekly')).toBe(DEFAULT_CUSTOM_CRON);
    expect(customCronFrom('5 4 * * 1')).toBe('5 4 * * 1');
  });

  it('describes schedules', () => {
    expect(describeSchedule('')).toBe('Off');
    expect(describeSchedule('@hourly')).toBe('Every hour');
    expect(describeSchedule('0 0 * * *')).toBe('Every day at midnight');
    expect(describeSchedule('@weekly')).toBe('Every week');
    expect(describeSchedule('0 */6 * * *')).toBe('cron "0 */6 * * *"');
  });
});

describe('schedule editor draft', () => {
  it('starts from the saved schedule', () => {
    expect(draftFrom({ schedule: '@daily', expiry: '7d' })).toEqual({ preset: 'daily', cron: '0 0 * * *', expiry: '7d' });
    expect(draftFrom({ schedule: '', expiry: '' })).toEqual({ preset: 'off', cron: '', expiry: '' });
    expect(draftFrom({ schedule: '*/30 * * * *', expiry: '' })).toMatchObject({ preset: 'custom', cron: '*/30 * * * *' });
  });

  it('fills the cron field from a preset, and proposes one for Custom', () => {
    const off = draftFrom({ schedule: '', expiry: '' });
    expect(withPreset(off, 'hourly')).toMatchObject({ preset: 'hourly', cron: '0 * * * *' });
    expect(withPreset(off, 'custom')).toMatchObject({ preset: 'custom', cron: DEFAULT_CUSTOM_CRON });
    expect(withPreset(withPreset(off, 'daily'), 'custom')).toMatchObject({ cron: '0 0 * * *' });
    expect(withPreset(withPreset(off, 'daily'), 'off')).toMatchObject({ preset: 'off', cron: '' });
  });

  it('makes typed cron lines custom, and an empty one off', () => {
    const daily = draftFrom({ schedule: '@daily', expiry: '' });
    expect(withCron(daily, '15 3 * * *')).toMatchObject({ preset: 'custom', cron: '15 3 * * *' });
    expect(withCron(daily, ' ')).toMatchObject({ preset: 'off' });
  });

  it('saves presets as their alias and custom as typed', () => {
    expect(scheduleFromDraft({ preset: 'hourly', cron: '0 * * * *', expiry: ' 1d ' })).toEqual({ schedule: '@hourly', expiry: '1d' });
    expect(scheduleFromDraft({ preset: 'custom', cron: '15 3 * * *', expiry: '' })).toEqual({ schedule: '15 3 * * *', expiry: '' });
    expect(scheduleFromDraft({ preset: 'off', cron: 'junk', expiry: '' })).toEqual({ schedule: '', expiry: '' });
  });
});
