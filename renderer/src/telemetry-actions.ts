/**
 * The renderer's side of telemetry: it never polls. It tells the backend which agent is in
 * view (sampled every second while it is) and loads that agent's last hour once.
 */
import { enclave } from './api.js';
import { errorMessage } from './lib/errors.js';
import { useAgents } from './stores/agents.js';
import { useTelemetry } from './stores/telemetry.js';

let focused: string | null = null;

/** Sets the agent in view (null: none); its history fills its ring. */
export function focusTelemetry(agent: string | null): void {
  if (agent === focused) return;
  focused = agent;
  sendFocus(agent);
}

function sendFocus(agent: string | null): void {
  enclave
    .invoke('telemetry.focus', { agent })
    .catch((error: unknown) => console.warn('telemetry.focus failed:', errorMessage(error)));
  if (agent) void loadHistory(agent);
}

export async function loadHistory(agent: string): Promise<void> {
  try {
    const samples = await enclave.invoke('telemetry.history', { agent, seconds: 3600 });
    useTelemetry.getState().fill(agent, samples);
  } catch (error) {
    console.warn('telemetry.history failed:', errorMessage(error));
  }
}

/**
 * After a backend (re)connect: the backend may be a new one that knows no focus, and samples
 * were missed. Agents gone meanwhile are forgotten once the agent list is known.
 */
export function resyncTelemetry(): void {
  const agents = useAgents.getState();
  if (agents.loaded) useTelemetry.getState().keepOnly(new Set(agents.agents.map((a) => a.name)));
  if (focused) sendFocus(focused);
}
