import { useEffect, useRef, useState } from 'react';
import type { SetupOffer } from '../../../shared/types.js';
import { enclave } from '../api.js';
import { InlineError } from '../components/InlineError.js';
import { Spinner } from '../components/Spinner.js';
import { errorMessage } from '../lib/errors.js';
import { loadStatus } from '../sync.js';

/** Lines kept on screen; the backend keeps its own bounded tail for windows that join late. */
const MAX_LINES = 1000;

type Ended = { exitCode: number | null; error: string | null };

/**
 * "Set up a local Incus": runs the backend's setup script and shows its output as it comes.
 * When it ends the backend retries the connection by itself; this screen goes when it is up.
 */
export function SetupIncus({ offer }: { offer: SetupOffer }) {
  const [lines, setLines] = useState<string[]>([]);
  const [running, setRunning] = useState(false);
  const [ended, setEnded] = useState<Ended | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const logRef = useRef<HTMLPreElement>(null);

  // Output of a run started from any window shows here too.
  useEffect(
    () =>
      enclave.on('system.setupLog', (log) => {
        if ('line' in log) {
          setRunning(true);
          setLines((prev) => (prev.length >= MAX_LINES ? [...prev.slice(1 - MAX_LINES), log.line] : [...prev, log.line]));
        } else {
          setRunning(false);
          setEnded({ exitCode: log.exitCode, error: log.error });
          void loadStatus().catch(() => undefined);
        }
      }),
    [],
  );

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  async function start() {
    setStartError(null);
    setEnded(null);
    setRunning(true);
    try {
      const started = await enclave.invoke('system.setupIncus', {});
      setLines(started.alreadyRunning ? started.lines : []);
    } catch (error) {
      setRunning(false);
      setStartError(errorMessage(error));
    }
  }

  if (!offer.available && !running && lines.length === 0) {
    return offer.reason ? (
      <p className="connection-setup-unavailable" data-testid="setup-unavailable">
        {offer.reason}
      </p>
    ) : null;
  }

  return (
    <div className="connection-setup" data-testid="setup-incus">
      <button type="button" className="button button-primary" onClick={() => void start()} disabled={running || !offer.available}>
        {running && <Spinner />}
        {running ? 'Setting up Incus…' : 'Set up a local Incus'}
      </button>
      {(lines.length > 0 || running) && (
        <pre className="connection-setup-log" data-testid="setup-log" ref={logRef} aria-live="polite">
          {lines.join('\n')}
        </pre>
      )}
      {ended && (
        <p className={ended.error ? 'connection-setup-failed' : 'connection-setup-done'} data-testid="setup-result">
          {ended.error ?? 'Incus is set up. Connecting…'}
        </p>
      )}
      {startError && <InlineError testId="setup-error" message={startError} onDismiss={() => setStartError(null)} />}
    </div>
  );
}
