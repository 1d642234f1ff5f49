import { type RefObject, useEffect, useState } from 'react';
import { pollDecision } from '../lib/changes-poll.js';
import { useWorkspaceChanges } from '../stores/workspace-changes.js';
import { loadChanges } from '../workspace-actions.js';

/** True while `target` is on screen and the window is not hidden. */
function useOnScreen(target: RefObject<HTMLElement | null>): boolean {
  const [onScreen, setOnScreen] = useState(true);
  const [pageVisible, setPageVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const onVisibility = () => setPageVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', onVisibility);
    const el = target.current;
    let observer: IntersectionObserver | null = null;
    if (el && typeof IntersectionObserver !== 'undefined') {
      observer = new IntersectionObserver((entries) => {
        const last = entries[entries.length - 1];
        if (last) setOnScreen(last.isIntersecting);
      });
      observer.observe(el);
    }
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      observer?.disconnect();
    };
  }, [target]);
  return onScreen && pageVisible;
}

/** Reads the agent's changes every few seconds while the panel is seen and the agent runs (see pollDecision). */
export function useChangesPoll(agent: string, hasWorkspace: boolean, running: boolean, panel: RefObject<HTMLElement | null>): void {
  const visible = useOnScreen(panel);
  const loading = useWorkspaceChanges((state) => state.byAgent[agent]?.loading ?? false);
  const lastAt = useWorkspaceChanges((state) => state.byAgent[agent]?.lastAt ?? null);
  useEffect(() => {
    const decision = pollDecision({ hasWorkspace, running, visible, inFlight: loading, lastAt, now: Date.now() });
    if (decision.kind === 'now') {
      void loadChanges(agent);
      return;
    }
    if (decision.kind !== 'later') return;
    const timer = setTimeout(() => void loadChanges(agent), decision.inMs);
    return () => clearTimeout(timer);
  }, [agent, hasWorkspace, running, visible, loading, lastAt]);
}
