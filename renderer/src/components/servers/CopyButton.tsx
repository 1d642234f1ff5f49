import { useState } from 'react';
import { copyInGesture } from '../../lib/clipboard.js';

/** In the click's gesture through a copy event (no permission needed), else through navigator.clipboard. */
function copyText(text: string): Promise<void> {
  return copyInGesture(text) ? Promise.resolve() : navigator.clipboard.writeText(text);
}

export function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="button button-small"
      data-testid={testId}
      onClick={() =>
        copyText(text).then(
          () => setState('copied'),
          () => setState('failed'),
        )
      }
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copying was blocked' : label}
    </button>
  );
}
