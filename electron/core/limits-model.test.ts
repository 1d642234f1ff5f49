import { describe, expect, it } from 'vitest';
import { limitsConfig, limitsNotes, limitsPatch, limitsSpec, rootDeviceWithSize } from './limits-model.js';

describe('limits translation', () => {
  it('writes a core count as limits.cpu and a share as limits.cpu.allowance, removing the other', () => {
    expect(limitsPatch({ cpu: '2' })).toEqual({ 'limits.cpu': '2', 'limits.cpu.allowance': '' });
    expect(limitsPatch({ cpu: '50%' })).toEqual({ 'limits.cpu': '', 'limits.cpu.allowance': '50%' });
    expect(limitsPatch({ cpu: '' })).toEqual({ 'limits.cpu': '', 'limits.cpu.allowance': '' });
  });
  it('patches only the given fields; empty removes the key', () => {
    expect(limitsPatch({ memory: '512MiB' })).toEqual({ 'limits.memory': '512MiB' });
    expect(limitsPatch({ processes: '' })).toEqual({ 'limits.processes': '' });
    expect(limitsPatch({})).toEqual({});
  });
  it('sets no key for an unlimited field at create', () => {
    expect(limitsConfig({ cpu: '50%', memory: '', processes: '500', disk: '10GiB' })).toEqual({
      'limits.cpu.allowance': '50%',
      'limits.processes': '500',
    });
  });
  it('overrides the profile\'s root device by name with a size, keeping its pool', () => {
    const profile = { root: { type: 'disk', path: '/', pool: 'enclave' }, eth0: { type: 'nic' } };
    expect(rootDeviceWithSize(undefined, profile, '10GiB')).toEqual({ root: { type: 'disk', path: '/', pool: 'enclave', size: '10GiB' } });
    const own = { myroot: { type: 'disk', path: '/', pool: 'p2', size: '5GiB' } };
    expect(rootDeviceWithSize(own, profile, '')).toEqual({ myroot: { type: 'disk', path: '/', pool: 'p2' } });
  });
  it('notes what applies live', () => {
    expect(limitsNotes(['memory'], true, null)).toEqual(['CPU, memory and process limits apply now.']);
    expect(limitsNotes(['cpu'], false, null)[0]).toMatch(/next starts/);
    expect(limitsNotes(['disk'], true, 'btrfs')[0]).toMatch(/applies now.*image/);
  });
  it('gives a new agent a root device only when it has a disk size', () => {
    const profile = { root: { type: 'disk', path: '/', pool: 'enclave' } };
    const limits = { cpu: '2', memory: '', processes: '', disk: '' };
    expect(limitsSpec(limits, profile)).toEqual({ config: { 'limits.cpu': '2' }, devices: {} });
    expect(limitsSpec({ ...limits, disk: '4GiB' }, profile).devices).toEqual({ root: { type: 'disk', path: '/', pool: 'enclave', size: '4GiB' } });
  });
});
