import { useEffect } from 'react';
import { carryOut, commandContext } from '../command-actions.js';
import { planCommand } from '../lib/agent-commands.js';
import { isSnapshotShortcut } from '../lib/shortcuts.js';
import { isMacPlatform } from '../terminal/links.js';

/**
 * Ctrl+Shift+S (Cmd+Shift+S on macOS) snapshots the agent whose card has the focus, or whose
 * view is open, and says so in a toast; the desktop menu's Snapshot does the same
 * (command-actions.ts). A terminal keeps its keys, and an open dialog its focus and the key.
 */
export function useSnapshotShortcut(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isSnapshotShortcut(event, isMacPlatform) || event.repeat) return;
      if (document.activeElement?.closest('.xterm')) return;
      const plan = planCommand('snapshot', commandContext());
      if (plan.kind === 'ignore') return;
      // Handled here: in the desktop app the menu's accelerator then does not fire as well.
      event.preventDefault();
      carryOut(plan);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
