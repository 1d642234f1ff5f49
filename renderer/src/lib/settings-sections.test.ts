import { describe, expect, it } from 'vitest';
import {
  SETTINGS_SECTIONS,
  availableSections,
  draftChanged,
  fixMessage,
  sectionForKey,
  sectionNames,
  sectionsWhere,
  type SettingsSectionId,
} from './settings-sections.js';

const ids = SETTINGS_SECTIONS.map((section) => section.id);
const only = (...wanted: SettingsSectionId[]) => SETTINGS_SECTIONS.filter((section) => wanted.includes(section.id));

describe('availableSections', () => {
  it('offers every section to a backend with network policies and a guard', () => {
    expect(availableSections({ network: true, guard: true }).map((s) => s.id)).toEqual(['limits', 'network', 'snapshots', 'guard', 'secrets', 'servers']);
  });

  it('leaves out what an older backend does not send', () => {
    expect(availableSections({ network: false, guard: true }).map((s) => s.id)).toEqual(['limits', 'snapshots', 'guard', 'secrets', 'servers']);
    expect(availableSections({ network: true, guard: false }).map((s) => s.id)).toEqual(['limits', 'network', 'snapshots', 'secrets', 'servers']);
  });
});

describe('sectionForKey', () => {
  it('steps down and up with the arrows, wrapping at both ends', () => {
    expect(sectionForKey(ids, 'limits', 'ArrowDown')).toBe('network');
    expect(sectionForKey(ids, 'servers', 'ArrowDown')).toBe('limits');
    expect(sectionForKey(ids, 'limits', 'ArrowUp')).toBe('servers');
    expect(sectionForKey(ids, 'snapshots', 'ArrowUp')).toBe('network');
  });

  it('treats left and right like up and down (the list lies flat on a narrow window)', () => {
    expect(sectionForKey(ids, 'network', 'ArrowRight')).toBe('snapshots');
    expect(sectionForKey(ids, 'network', 'ArrowLeft')).toBe('limits');
  });

  it('jumps to the ends with Home and End', () => {
    expect(sectionForKey(ids, 'snapshots', 'Home')).toBe('limits');
    expect(sectionForKey(ids, 'network', 'End')).toBe('servers');
  });

  it('ignores other keys, and an empty list', () => {
    expect(sectionForKey(ids, 'limits', 'Enter')).toBeNull();
    expect(sectionForKey(ids, 'limits', 'a')).toBeNull();
    expect(sectionForKey([], 'limits', 'ArrowDown')).toBeNull();
  });

  it('starts from the first section when the current one is not offered', () => {
    expect(sectionForKey(['limits', 'snapshots'], 'network', 'ArrowDown')).toBe('snapshots');
  });
});

describe('sectionsWhere and the messages', () => {
  it('keeps the list order, whatever order the flags come in', () => {
    expect(sectionsWhere(SETTINGS_SECTIONS, { guard: true, limits: true, network: false }).map((s) => s.id)).toEqual(['limits', 'guard']);
    expect(sectionsWhere(SETTINGS_SECTIONS, {})).toEqual([]);
  });

  it('names sections as a sentence does', () => {
    expect(sectionNames([])).toBe('');
    expect(sectionNames(only('network'))).toBe('Network');
    expect(sectionNames(only('limits', 'guard'))).toBe('Limits and Guard');
    expect(sectionNames(only('limits', 'network', 'guard'))).toBe('Limits, Network and Guard');
  });

  it('says where the field to fix is, or nothing when all is valid', () => {
    expect(fixMessage([])).toBeNull();
    expect(fixMessage(only('snapshots'))).toBe('Fix the marked field in Snapshots to save.');
    expect(fixMessage(only('limits', 'network'))).toBe('Fix the marked fields in Limits and Network to save.');
  });
});

describe('draftChanged', () => {
  it('compares drafts by value', () => {
    expect(draftChanged({ a: '1', b: { c: true } }, { a: '1', b: { c: true } })).toBe(false);
    expect(draftChanged({ a: '1' }, { a: '2' })).toBe(true);
    expect(draftChanged('7d', '7d')).toBe(false);
    expect(draftChanged('7d', '7d ')).toBe(true);
  });

  it('ignores the ids of rows, which are React keys and not settings', () => {
    const rows = (id: number, host: string) => ({ mode: 'allowlist', allow: [{ id, host, ports: '443' }] });
    expect(draftChanged(rows(1, '203.0.113.7'), rows(9, '203.0.113.7'))).toBe(false);
    expect(draftChanged(rows(1, '203.0.113.7'), rows(1, '203.0.113.8'))).toBe(true);
  });
});
