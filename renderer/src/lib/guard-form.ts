import type { GuardSettings } from '../../../shared/types.js';

/** The numeric guard settings, with the ranges the contract (shared/api.ts) accepts. */
export const GUARD_NUMBERS = [
  { key: 'cpuPinnedSeconds', label: 'CPU pinned for', unit: 's', min: 5, max: 3600 },
  { key: 'memoryPercent', label: 'Memory at', unit: '%', min: 10, max: 100 },
  { key: 'processesPercent', label: 'Processes at', unit: '%', min: 10, max: 100 },
  { key: 'diskPercent', label: 'Disk at', unit: '%', min: 10, max: 100 },
  { key: 'forkRatePerSecond', label: 'Fork rate over', unit: '/s', min: 5, max: 100000 },
] as const;

export type GuardNumberKey = (typeof GUARD_NUMBERS)[number]['key'];

/** What the form holds: numbers as typed. */
export type GuardDraft = Omit<GuardSettings, GuardNumberKey> & Record<GuardNumberKey, string>;

export function guardDraft(settings: GuardSettings): GuardDraft {
  const draft = { ...settings } as unknown as GuardDraft;
  for (const { key } of GUARD_NUMBERS) draft[key] = String(settings[key]);
  return draft;
}

/** The problem with one number as typed, or null. */
export function guardNumberProblem(key: GuardNumberKey, text: string): string | null {
  const spec = GUARD_NUMBERS.find((n) => n.key === key);
  if (!spec) return null;
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return 'A whole number.';
  const value = Number(trimmed);
  if (value < spec.min) return `At least ${spec.min}.`;
  if (value > spec.max) return `At most ${spec.max}.`;
  return null;
}

export function guardDraftValid(draft: GuardDraft): boolean {
  return GUARD_NUMBERS.every(({ key }) => guardNumberProblem(key, draft[key]) === null);
}

export function guardFromDraft(draft: GuardDraft): GuardSettings {
  const settings = { enabled: draft.enabled, autoFreeze: draft.autoFreeze } as GuardSettings;
  for (const { key } of GUARD_NUMBERS) settings[key] = Number(draft[key].trim());
  return settings;
}
