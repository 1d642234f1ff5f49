import type { ImageBuild } from '../../../../shared/types.js';
import { cancelBuild, dismissBuild } from '../../image-actions.js';
import { isEnded } from '../../lib/image-builds.js';
import { InlineError } from '../InlineError.js';
import { RelativeTime } from '../RelativeTime.js';
import { Spinner } from '../Spinner.js';
import { usePendingCall } from '../../hooks/usePendingCall.js';
import { BuildLog } from './BuildLog.js';

const STATE_LABEL: Record<ImageBuild['state'], string> = {
  starting: 'Starting',
  running: 'Running',
  publishing: 'Publishing',
  done: 'Built',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function BuildPanel({ build }: { build: ImageBuild }) {
  const { busy, error, run: act, clearError } = usePendingCall();
  const ended = isEnded(build);

  return (
    <section className={`build-panel build-${build.state}`} data-testid="build-panel" data-state={build.state} aria-label={`Build of ${build.alias}`}>
      <header className="build-head">
        <div>
          <h3 className="build-title">
            {build.alias} <span className="image-version">{build.version}</span>
          </h3>
          <p className="build-meta">
            from {build.base}
            {build.installs.length > 0 && <> · {build.installs.join(', ')}</>} · started <RelativeTime iso={build.startedAt} />
            {build.builder && <> · builder {build.builder}</>}
          </p>
        </div>
        <div className="build-status">
          <span className={`build-state build-state-${build.state}`} data-testid="build-state">
            {!ended && <Spinner />}
            {STATE_LABEL[build.state]}
          </span>
          {!ended && <span className="build-stage">{build.stage}</span>}
          {!ended ? (
            <button type="button" className="button button-small" data-testid="build-cancel" disabled={busy} onClick={() => act(() => cancelBuild(build.id))}>
              Cancel
            </button>
          ) : (
            <button
              type="button"
              className="button button-small"
              data-testid="build-dismiss"
              disabled={busy}
              aria-busy={busy}
              title={build.builder ? `Deletes the builder ${build.builder} and forgets this build` : 'Forget this build'}
              onClick={() => act(() => dismissBuild(build.id))}
            >
              {build.builder ? 'Dismiss and delete builder' : 'Dismiss'}
            </button>
          )}
        </div>
      </header>
      {build.error && (
        <p className="build-error" role="alert" data-testid="build-error">
          {build.error}
        </p>
      )}
      {ended && build.builder && (
        <p className="build-meta" data-testid="build-kept">
          The builder {build.builder} is an agent card on the agents page until you dismiss this build: open a shell there to look inside.
        </p>
      )}
      {build.failedLine && (
        <div className="build-failed-line" data-testid="build-failed-line">
          <p className="build-failed-head">
            Line {build.failedLine.line}: <code>{build.failedLine.text}</code>
          </p>
          <p className="build-failed-note">What that line printed:</p>
          <pre className="build-failed-output" data-testid="build-failed-output">
            {build.failedLine.output || '(nothing)'}
          </pre>
        </div>
      )}
      {build.state === 'done' && build.fingerprint && (
        <p className="build-done" data-testid="build-done">
          Published as {build.alias} ({build.fingerprint.slice(0, 12)}), version {build.version}. The builder was deleted.
        </p>
      )}
      <details className="build-log-wrap" open={!ended || build.state === 'failed'}>
        <summary>Log</summary>
        <BuildLog text={build.log} testId="build-log" />
      </details>
      {error && <InlineError message={error} testId="build-action-error" onDismiss={clearError} />}
    </section>
  );
}
