import { useEffect, useState } from 'react';
import { BuildForm } from '../components/images/BuildForm.js';
import { BuildPanel } from '../components/images/BuildPanel.js';
import { ImageList } from '../components/images/ImageList.js';
import { ImportForm } from '../components/images/ImportForm.js';
import { InlineError } from '../components/InlineError.js';
import { Spinner } from '../components/Spinner.js';
import { loadImagesView } from '../image-actions.js';
import { useImageBuilds } from '../stores/image-builds.js';
import { useImages } from '../stores/images.js';
import { useView } from '../stores/view.js';

/** Agent images: the list with the agents using each, builds with their logs, import. */
export function ImagesView() {
  const images = useImages((s) => s.images);
  const state = useImages((s) => s.state);
  const error = useImages((s) => s.error);
  const builds = useImageBuilds((s) => s.builds);
  const order = useImageBuilds((s) => s.order);
  const missing = useImageBuilds((s) => s.missing);
  const preset = useView((s) => s.buildPreset);
  const [panel, setPanel] = useState<'none' | 'build' | 'import'>(preset ? 'build' : 'none');

  useEffect(() => {
    loadImagesView();
  }, []);
  useEffect(() => {
    if (preset) setPanel('build');
  }, [preset]);

  const close = () => {
    setPanel('none');
    useView.getState().clearPreset();
  };

  return (
    <section className="images-view" data-testid="images-view" aria-labelledby="images-title">
      <div className="images-head">
        <div>
          <h1 id="images-title" className="images-title">
            Agent images
          </h1>
          <p className="images-subtitle">What agents start from. Build one with the agent CLIs in it, or import a tarball.</p>
        </div>
        <div className="images-tools">
          <button type="button" className="button" onClick={() => useView.getState().show('agents')} data-testid="images-back">
            Back to agents
          </button>
          <button type="button" className="button" data-testid="images-import" onClick={() => setPanel('import')} disabled={panel === 'import'}>
            Import
          </button>
          <button type="button" className="button button-primary" data-testid="images-build" onClick={() => setPanel('build')} disabled={panel === 'build'}>
            Build image
          </button>
        </div>
      </div>

      {missing.length > 0 && panel !== 'build' && (
        <div className="images-missing" data-testid="images-missing" role="status">
          {missing.map((m) => (
            <div key={m.image} className="images-missing-row">
              <span>
                Templates {m.templates.join(', ')} use the image <strong>{m.image}</strong>, which Incus does not have.
              </span>
              <button type="button" className="button button-small" data-testid="images-missing-build" onClick={() => useView.getState().buildFor(m)}>
                Build {m.image}
              </button>
            </div>
          ))}
        </div>
      )}

      {panel === 'build' && <BuildForm key={preset?.image ?? 'new'} images={images} preset={preset} onClose={close} />}
      {panel === 'import' && <ImportForm onClose={close} />}

      {order.length > 0 && (
        <div className="images-builds" data-testid="images-builds">
          <h2 className="images-section-title">Builds</h2>
          {order.map((id) => {
            const b = builds[id];
            return b ? <BuildPanel key={id} build={b} /> : null;
          })}
        </div>
      )}

      <h2 className="images-section-title">Images</h2>
      {state === 'loading' && images.length === 0 && (
        <p className="placeholder">
          <Spinner /> Loading images…
        </p>
      )}
      {state === 'failed' && error && <InlineError message={error} testId="images-error" />}
      {(state === 'ready' || images.length > 0) && <ImageList images={images} />}
    </section>
  );
}
