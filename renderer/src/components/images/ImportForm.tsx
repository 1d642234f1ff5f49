import { type FormEvent, useId, useState } from 'react';
import { imageAliasProblem } from '../../../../shared/images.js';
import { importFile, importPath } from '../../image-actions.js';
import { formatBytes } from '../../lib/telemetry-format.js';
import { useImageBuilds } from '../../stores/image-builds.js';
import { usePendingCall } from '../../hooks/usePendingCall.js';
import { InlineError } from '../InlineError.js';

/** Import a unified image tarball: a file from this window (sent in pieces) or a path on the backend's computer. */
export function ImportForm({ onClose }: { onClose(): void }) {
  const ids = { file: useId(), path: useId(), alias: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [path, setPath] = useState('');
  const [alias, setAlias] = useState('');
  const { busy, error, run, clearError } = usePendingCall();
  const progress = useImageBuilds((s) => s.importing);
  const aliasProblem = alias ? imageAliasProblem(alias) : null;
  const pathProblem = path && !path.startsWith('/') ? 'Give an absolute path on the computer Enclave runs on.' : null;
  const ready = (file !== null || (path !== '' && !pathProblem)) && !aliasProblem && !busy;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    run(() => (file ? importFile(file, alias) : importPath(path, alias)), onClose);
  };

  const shown = busy && progress ? progress : null;
  const fraction = shown && shown.totalBytes > 0 ? Math.min(1, shown.doneBytes / shown.totalBytes) : null;

  return (
    <form className="import-form" data-testid="import-form" onSubmit={submit} noValidate aria-label="Import an image">
      <h2 className="images-section-title">Import an image tarball</h2>
      <p className="field-hint build-form-intro">One file holding rootfs/ and metadata.yaml, as `incus image export` writes it.</p>
      <div className="build-form-grid">
        <div className="field">
          <label htmlFor={ids.file}>File</label>
          <input id={ids.file} type="file" data-testid="import-file" accept=".tar,.tar.gz,.tgz,.tar.xz,.tar.zst,application/x-tar,application/gzip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} disabled={busy || path !== ''} />
          <p className="field-hint">{file ? `${file.name}, ${formatBytes(file.size)}: sent to Enclave in pieces.` : 'From this computer.'}</p>
        </div>
        <div className="field">
          <label htmlFor={ids.path}>
            Or a path on the Enclave host <span className="optional">(optional)</span>
          </label>
          <input id={ids.path} data-testid="import-path" value={path} placeholder="/home/me/agent-image.tar.gz" onChange={(e) => setPath(e.target.value)} disabled={busy || file !== null} spellCheck={false} aria-invalid={pathProblem !== null} />
          {pathProblem && <p className="field-problem">{pathProblem}</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.alias}>
            Alias <span className="optional">(optional)</span>
          </label>
          <input id={ids.alias} data-testid="import-alias" value={alias} onChange={(e) => setAlias(e.target.value)} disabled={busy} spellCheck={false} aria-invalid={aliasProblem !== null} />
          {aliasProblem && <p className="field-problem">{aliasProblem}</p>}
        </div>
      </div>
      {shown && (
        <div className="import-progress" data-testid="import-progress">
          <span>
            {shown.stage === 'uploading' ? 'Sending' : shown.stage === 'importing' ? 'Incus is importing' : shown.stage === 'done' ? 'Imported' : 'Failed'}
            {shown.totalBytes > 0 && ` · ${formatBytes(shown.doneBytes)} of ${formatBytes(shown.totalBytes)}`}
          </span>
          <progress max={1} value={fraction ?? undefined} />
        </div>
      )}
      {error && <InlineError message={error} testId="import-error" onDismiss={clearError} />}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="import-start" disabled={!ready} aria-busy={busy}>
          Import
        </button>
      </div>
    </form>
  );
}
