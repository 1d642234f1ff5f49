import { useEffect } from 'react';
import { errorMessage } from '../lib/errors.js';
import { isSnapshotShortcut } from '../lib/shortcuts.js';
import { useAgentView } from '../stores/agent-view.js';
import { showToast } from '../stores/toasts.js';
import { isMacPlatform } from '../terminal/links.js';
import { takeSnapshot } from '../snapshot-actions.js';

/** The agent the shortcut is for: the focused card's, else the one whose view is open. */
export function shortcutTarget(active: Element | null, viewOpen: string | null): string | null {
  const card = active?.closest('[data-testid="agent-card"]');
  return card?.getAttribute('data-agent') ?? viewOpen;
}

/**
 * Ctrl+Shift+S (Cmd+Shift+S on macOS) snapshots the agent whose view is open, or whose card
 * has the focus, and says so in a toast. A terminal keeps its keys, and an open dialog its focus.
 */
export function useSnapshotShortcut(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isSnapshotShortcut(event, isMacPlatform) || event.repeat) return;
      const active = document.activeElement;
      if (active?.closest('.xterm') || document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      const agent = shortcutTarget(active, useAgentView.getState().open);
      if (!agent) {
        showToast({ message: "Focus an agent's card or open its timeline, then press the shortcut again to snapshot it." });
        return;
      }
      takeSnapshot(agent, { toast: true }).catch((error: unknown) => {
        showToast({ tone: 'error', message: `No snapshot of ${agent}: ${errorMessage(error)}`, testId: 'snapshot-failed', timeout: 10_000 });
      });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
