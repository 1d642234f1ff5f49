import { create } from 'zustand';
import type { GuardAlert } from '../../../shared/types.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

/** Every alert this window knows, by id: active ones and recent cleared ones. */
export type AlertsById = Readonly<Record<string, GuardAlert>>;

/** A pushed guard.alert: raised, updated (e.g. the action taken) or cleared. */
export function applyAlert(byId: AlertsById, alert: GuardAlert): AlertsById {
  return { ...byId, [alert.id]: alert };
}

/** A guard.alerts reply: the backend's whole list, replacing what was known. */
export function replaceAlerts(list: readonly GuardAlert[]): AlertsById {
  const byId: Record<string, GuardAlert> = {};
  for (const alert of list) byId[alert.id] = alert;
  return byId;
}

/** Dismissed by the user: gone from this window (the backend forgets it too). */
export function dismissAlert(byId: AlertsById, id: string): AlertsById {
  if (!(id in byId)) return byId;
  const { [id]: _gone, ...rest } = byId;
  return rest;
}

export function forgetAgentAlerts(byId: AlertsById, agent: string): AlertsById {
  if (!Object.values(byId).some((a) => a.agent === agent)) return byId;
  const next: Record<string, GuardAlert> = {};
  for (const [id, alert] of Object.entries(byId)) if (alert.agent !== agent) next[id] = alert;
  return next;
}

/** An agent's alerts, newest first (active or not). */
export function alertsOf(byId: AlertsById, agent: string): GuardAlert[] {
  return Object.values(byId)
    .filter((a) => a.agent === agent)
    .sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
}

/** An agent's active alerts, newest first. */
export function activeAlertsOf(byId: AlertsById, agent: string): GuardAlert[] {
  return alertsOf(byId, agent).filter((a) => a.active);
}

/** True when `alert` is active now but was not before (new, or raised again): worth a notification. */
export function becameActive(before: GuardAlert | undefined, alert: GuardAlert): boolean {
  return alert.active && !before?.active;
}

interface GuardState {
  byId: AlertsById;
  /** guard.alerts calls and the alerts pushed while one is in flight (lib/reconcile.ts). */
  loads: Loads<GuardAlert>;
  /** Applies a pushed alert; returns the alert as it was before (undefined when new). */
  apply(alert: GuardAlert): GuardAlert | undefined;
  beginLoad(): number;
  /** A guard.alerts reply; alerts pushed since the call was sent win over it. */
  loaded(list: readonly GuardAlert[], loadId: number): void;
  abandonLoad(loadId: number): void;
  dismiss(id: string): void;
  forget(agent: string): void;
}

export const useGuard = create<GuardState>()((set, get) => ({
  byId: {},
  loads: NO_LOADS,
  apply(alert) {
    const before = get().byId[alert.id];
    set((state) => ({ byId: applyAlert(state.byId, alert), loads: noteChange(state.loads, alert) }));
    return before;
  },
  beginLoad() {
    const { loads, id } = beginLoad(get().loads);
    set({ loads });
    return id;
  },
  loaded(list, loadId) {
    const done = finishLoad(get().loads, loadId, replaceAlerts(list), applyAlert);
    if (done) set({ byId: done.value, loads: done.loads });
  },
  abandonLoad(loadId) {
    set((state) => ({ loads: abandonLoad(state.loads, loadId) }));
  },
  dismiss(id) {
    set((state) => ({ byId: dismissAlert(state.byId, id) }));
  },
  forget(agent) {
    set((state) => ({ byId: forgetAgentAlerts(state.byId, agent) }));
  },
}));
