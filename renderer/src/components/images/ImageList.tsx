import { useState } from 'react';
import type { ImageInfo } from '../../../../shared/types.js';
import { deleteImage } from '../../image-actions.js';
import { imageTitle, usageText } from '../../lib/image-builds.js';
import { formatBytes } from '../../lib/telemetry-format.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { InlineError } from '../InlineError.js';
import { usePendingCall } from '../../hooks/usePendingCall.js';
import { RelativeTime } from '../RelativeTime.js';

function ImageRow({ image }: { image: ImageInfo }) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run, clearError } = usePendingCall();
  const used = image.usedBy.length > 0 || image.usedElsewhere > 0;

  const remove = () => {
    setConfirming(false);
    run(() => deleteImage(image.fingerprint));
  };

  return (
    <li className="image-row" data-testid="image-row" data-fingerprint={image.fingerprint}>
      <div className="image-main">
        <div className="image-name">
          <span className="image-title" data-testid="image-title">
            {imageTitle(image)}
          </span>
          {image.version && (
            <span className="image-version" data-testid="image-version" title="The version Enclave published it as">
              {image.version}
            </span>
          )}
        </div>
        {image.description && <p className="image-description">{image.description}</p>}
        <p className="image-fingerprint" title={image.fingerprint}>
          {image.fingerprint.slice(0, 12)} · {image.architecture}
        </p>
      </div>
      <dl className="image-facts">
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(image.sizeBytes)}</dd>
        </div>
        <div>
          <dt>Added</dt>
          <dd>
            <RelativeTime iso={image.uploadedAt} />
          </dd>
        </div>
        <div className="image-users">
          <dt>Used by</dt>
          <dd data-testid="image-used-by" className={used ? undefined : 'image-unused'}>
            {usageText(image)}
          </dd>
        </div>
      </dl>
      <div className="image-actions">
        <button
          type="button"
          className="button button-small button-danger-quiet"
          data-testid="image-delete"
          aria-busy={busy}
          disabled={busy}
          title={used ? 'In use: Enclave refuses to delete it while agents use it' : 'Delete this image'}
          onClick={() => (used ? remove() : setConfirming(true))}
        >
          Delete
        </button>
      </div>
      {error && (
        <div className="image-error">
          <InlineError message={error} testId="image-delete-error" onDismiss={clearError} />
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete ${imageTitle(image)}?`}
          message="No agent uses this image. New agents can no longer start from it; this cannot be undone."
          confirmLabel="Delete image"
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        />
      )}
    </li>
  );
}

export function ImageList({ images }: { images: readonly ImageInfo[] }) {
  if (images.length === 0) return <p className="images-empty">Incus has no container images. Import one or build one.</p>;
  return (
    <ul className="image-list" data-testid="image-list">
      {images.map((image) => (
        <ImageRow key={image.fingerprint} image={image} />
      ))}
    </ul>
  );
}
