/** The sections of the Settings dialog, and the pure rules of its section list. */

export type SettingsSectionId = 'limits' | 'network' | 'snapshots' | 'guard' | 'secrets' | 'servers';

export interface SettingsSection {
  id: SettingsSectionId;
  /** The name in the section list. */
  label: string;
  /** One line under the name: what the section sets. */
  hint: string;
}

export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { id: 'limits', label: 'Limits', hint: 'CPU, memory, processes, disk' },
  { id: 'network', label: 'Network', hint: 'Mode, allowlist, bandwidth' },
  { id: 'snapshots', label: 'Snapshots', hint: 'Schedule, safety snapshots' },
  { id: 'guard', label: 'Guard', hint: 'Alerts and auto-freeze' },
  // Saved at once, per action: not part of the dialog's Save.
  { id: 'secrets', label: 'Secrets', hint: 'API keys and tokens' },
  // Likewise saved per action.
  { id: 'servers', label: 'Servers', hint: 'Remotes, clusters, trust' },
];

/** The sections a backend offers: an older one sends no network policy or guard, and those are left out. */
export function availableSections(offers: { network: boolean; guard: boolean }): SettingsSection[] {
  return SETTINGS_SECTIONS.filter((section) => (section.id === 'network' ? offers.network : section.id === 'guard' ? offers.guard : true));
}

/**
 * The section a key moves to in the section list (a vertical tab list, which also lies
 * horizontally on a narrow window): arrows step and wrap, Home and End jump. Null for any other key.
 */
export function sectionForKey(ids: readonly SettingsSectionId[], current: SettingsSectionId, key: string): SettingsSectionId | null {
  if (ids.length === 0) return null;
  const at = Math.max(0, ids.indexOf(current));
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return ids[(at + 1) % ids.length] ?? null;
    case 'ArrowUp':
    case 'ArrowLeft':
      return ids[(at - 1 + ids.length) % ids.length] ?? null;
    case 'Home':
      return ids[0] ?? null;
    case 'End':
      return ids[ids.length - 1] ?? null;
    default:
      return null;
  }
}

/** The sections, in list order, whose check is true (a field to fix, or an unsaved change). */
export function sectionsWhere(sections: readonly SettingsSection[], flags: Partial<Record<SettingsSectionId, boolean>>): SettingsSection[] {
  return sections.filter((section) => flags[section.id] === true);
}

/** "Limits", "Limits and Guard", "Limits, Network and Guard". */
export function sectionNames(sections: readonly SettingsSection[]): string {
  const names = sections.map((section) => section.label);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Why Save is off, naming where to look, or null when every section is valid. */
export function fixMessage(invalid: readonly SettingsSection[]): string | null {
  if (invalid.length === 0) return null;
  return invalid.length === 1
    ? `Fix the marked field in ${sectionNames(invalid)} to save.`
    : `Fix the marked fields in ${sectionNames(invalid)} to save.`;
}

/**
 * Whether a draft differs from the one the dialog opened with. Drafts are plain data; `id`
 * fields are left out, since they are React keys of rows (an allowlist row removed and added
 * back is the same setting under a new id).
 */
export function draftChanged(initial: unknown, current: unknown): boolean {
  const content = (value: unknown) => JSON.stringify(value, (key, field: unknown) => (key === 'id' ? undefined : field));
  return content(initial) !== content(current);
}
