import { useEffect, useRef, useState } from 'react';
import { enclave } from '../api.js';
import { errorMessage } from '../lib/errors.js';
import { type InspectState, type ProjectDraft, IDLE, currentInspection, projectPath, wantsInspection } from '../lib/workspace-form.js';

/** Typing pauses this long before the folder is looked at. */
export const INSPECT_DEBOUNCE_MS = 350;

/**
 * workspace.inspect for the folder a draft names, with `disk` (the disk limit the copy must
 * fit, '' for none), debounced while typing. Only the answer about the current path and disk
 * is returned: an older one arriving late is dropped.
 */
export function useWorkspaceInspection(draft: ProjectDraft, disk: string): { inspect: InspectState; recheck(): void } {
  const [state, setState] = useState<InspectState>(IDLE);
  const [round, setRound] = useState(0);
  const now = useRef(false);
  const wanted = wantsInspection(draft);
  const path = projectPath(draft);

  useEffect(() => {
    if (!wanted) return;
    let current = true;
    const delay = now.current ? 0 : INSPECT_DEBOUNCE_MS;
    now.current = false;
    const timer = setTimeout(() => {
      setState({ state: 'checking', path, disk });
      enclave.invoke('workspace.inspect', disk ? { path, disk } : { path }).then(
        (inspection) => {
          if (current) setState({ state: 'done', path, disk, inspection });
        },
        (failure: unknown) => {
          if (current) setState({ state: 'failed', path, disk, message: errorMessage(failure) });
        },
      );
    }, delay);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [wanted, path, disk, round]);

  return { inspect: currentInspection(draft, disk, state), recheck: () => {
      now.current = true;
      setRound((n) => n + 1);
    } };
}
