import type { AgentAction, AgentStatus } from '../../../shared/types.js';

export type CardAction = AgentAction | 'delete';

export type StatusTone = 'running' | 'stopped' | 'frozen' | 'error' | 'transitional';

export function statusTone(status: AgentStatus): StatusTone {
  switch (status) {
    case 'Running':
      return 'running';
    case 'Stopped':
      return 'stopped';
    case 'Frozen':
      return 'frozen';
    case 'Error':
      return 'error';
    case 'Starting':
    case 'Stopping':
    case 'Freezing':
    case 'Unknown':
      return 'transitional';
  }
}

/** The buttons a card offers in each state, in display order. */
export function actionsFor(status: AgentStatus): CardAction[] {
  switch (status) {
    case 'Running':
      return ['stop', 'restart', 'freeze', 'delete'];
    case 'Stopped':
      return ['start', 'delete'];
    case 'Frozen':
      return ['unfreeze', 'stop', 'delete'];
    case 'Error':
    case 'Unknown':
      return ['start', 'stop', 'delete'];
    case 'Starting':
    case 'Stopping':
    case 'Freezing':
      return ['stop', 'delete'];
  }
}

export const ACTION_LABELS: Record<CardAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  freeze: 'Freeze',
  unfreeze: 'Unfreeze',
  delete: 'Delete',
};
