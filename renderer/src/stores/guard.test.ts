import { NO_LOADS } from '../lib/reconcile.js';
import { describe, expect, it } from 'vitest';
import type { GuardAlert } from '../../../shared/types.js';
import {
  activeAlertsOf,
  alertsOf,
  applyAlert,
  becameActive,
  dismissAlert,
  forgetAgentAlerts,
  replaceAlerts,
  useGuard,
} from './guard.js';

const alert = (id: string, over: Partial<GuardAlert> = {}): GuardAlert => ({
  id,
  agent: 'web',
  rule: 'processes-high',
  message: 'web: 48 of 50 processes (96%)',
  at: 1000,
  value: 48,
  threshold: 45,
  active: true,
  action: null,
  ...over,
});

describe('guard alerts', () => {
  it('raises, updates and clears an alert by id', () => {
    let byId = applyAlert({}, alert('a'));
    expect(activeAlertsOf(byId, 'web').map((a) => a.id)).toEqual(['a']);
    byId = applyAlert(byId, alert('a', { action: 'frozen automatically' }));
    expect(activeAlertsOf(byId, 'web')[0]?.action).toBe('frozen automatically');
    byId = applyAlert(byId, alert('a', { active: false }));
    expect(activeAlertsOf(byId, 'web')).toEqual([]);
    // A cleared alert stays known (for the timeline), just not active.
    expect(alertsOf(byId, 'web').map((a) => a.id)).toEqual(['a']);
  });

  it('dismisses by id and leaves the rest', () => {
    const byId = replaceAlerts([alert('a'), alert('b', { agent: 'db' })]);
    const next = dismissAlert(byId, 'a');
    expect(Object.keys(next)).toEqual(['b']);
    expect(dismissAlert(next, 'a')).toBe(next);
  });

  it('lists an agent’s alerts newest first, only its own', () => {
    const byId = replaceAlerts([alert('old', { at: 1 }), alert('new', { at: 5 }), alert('other', { agent: 'db', at: 9 })]);
    expect(alertsOf(byId, 'web').map((a) => a.id)).toEqual(['new', 'old']);
    expect(Object.keys(forgetAgentAlerts(byId, 'web'))).toEqual(['other']);
  });

  it('tells news (raised, or raised again) from updates', () => {
    expect(becameActive(undefined, alert('a'))).toBe(true);
    expect(becameActive(alert('a'), alert('a', { action: 'frozen automatically' }))).toBe(false);
    expect(becameActive(alert('a', { active: false }), alert('a'))).toBe(true);
    expect(becameActive(undefined, alert('a', { active: false }))).toBe(false);
  });

  it('keeps pushed alerts over an older guard.alerts reply', () => {
    useGuard.setState({ byId: {}, loads: NO_LOADS });
    const id = useGuard.getState().beginLoad();
    useGuard.getState().apply(alert('a', { active: false }));
    useGuard.getState().loaded([alert('a'), alert('b')], id);
    expect(useGuard.getState().byId.a?.active).toBe(false);
    expect(useGuard.getState().byId.b?.active).toBe(true);
    // Without pushes in between the reply is the whole truth.
    useGuard.getState().loaded([alert('c')], useGuard.getState().beginLoad());
    expect(Object.keys(useGuard.getState().byId)).toEqual(['c']);
  });
});
