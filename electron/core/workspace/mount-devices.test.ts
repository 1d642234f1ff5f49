import { describe, expect, it } from 'vitest';
import { expectedWorkspaceDevice, sameDisk, workspaceDisk } from './mount-devices.js';

const WS = { source: '/home/ann/shop', readOnly: false };

describe('workspace devices', () => {
  it('mirrors a path of the folder under /workspace, shifted', () => {
    expect(workspaceDisk('/s', '', false)).toEqual({ type: 'disk', source: '/s', path: '/workspace', shift: 'true' });
    expect(workspaceDisk('/s', '.git/hooks', true)).toEqual({ type: 'disk', source: '/s/.git/hooks', path: '/workspace/.git/hooks', shift: 'true', readonly: 'true' });
  });

  it('expects the folder and .git to follow read-only, every protected path read-only', () => {
    expect(expectedWorkspaceDevice('workspace', {}, WS)).toEqual(workspaceDisk(WS.source, '', false));
    expect(expectedWorkspaceDevice('workspace', {}, { ...WS, readOnly: true })!.readonly).toBe('true');
    expect(expectedWorkspaceDevice('workspace-git-config', {}, WS)).toEqual(workspaceDisk(WS.source, '.git/config', true));
    expect(expectedWorkspaceDevice('workspace-gitfile', {}, WS)).toEqual(workspaceDisk(WS.source, '.git', true));
    expect(expectedWorkspaceDevice('data', {}, WS)).toBeNull();
  });

  it('takes the hooks-path device from its path, only strictly under /workspace', () => {
    expect(expectedWorkspaceDevice('workspace-hooks-path', { path: '/workspace/.husky/_' }, WS)).toEqual(workspaceDisk(WS.source, '.husky/_', true));
    for (const path of ['/workspace', '/workspace/', '/workspace/../etc', '/etc', '/workspace/a//b']) {
      expect(expectedWorkspaceDevice('workspace-hooks-path', { path }, WS)).toBeNull();
    }
  });

  it('compares readonly and shift as booleans, everything else exactly', () => {
    const d = workspaceDisk('/s', 'x', false);
    expect(sameDisk({ ...d, readonly: 'false' }, d)).toBe(true);
    expect(sameDisk({ ...d, shift: 'yes' }, d)).toBe(true);
    expect(sameDisk({ ...d, readonly: 'true' }, d)).toBe(false);
    expect(sameDisk({ ...d, recursive: 'true' }, d)).toBe(false);
    expect(sameDisk({ ...d, source: '/s/y' }, d)).toBe(false);
  });
});
