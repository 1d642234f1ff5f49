import { useState } from 'react';

/** Copies in the click's gesture through a copy event (Electron's window refuses navigator.clipboard without a permission), else through navigator.clipboard. */
function copyText(text: string): Promise<void> {
  let copied = false;
  const onCopy = (event: ClipboardEvent) => {
    if (!event.clipboardData) return;
    event.clipboardData.setData('text/plain', text);
    event.preventDefault();
    copied = true;
  };
  document.addEventListener('copy', onCopy, true);
  try {
    document.execCommand('copy');
  } catch {
    // not supported: navigator.clipboard below
  } finally {
    document.removeEventListener('copy', onCopy, true);
  }
  return copied ? Promise.resolve() : navigator.clipboard.writeText(text);
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
