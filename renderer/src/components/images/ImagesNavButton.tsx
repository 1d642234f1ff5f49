import { useView } from '../../stores/view.js';

/** The header's way to the images view and back. */
export function ImagesNavButton() {
  const view = useView((s) => s.view);
  const on = view === 'images';
  return (
    <button
      type="button"
      className={on ? 'button header-button images-nav images-nav-on' : 'button header-button images-nav'}
      data-testid="images-open"
      aria-pressed={on}
      title={on ? 'Back to the agents' : 'Agent images'}
      onClick={() => useView.getState().show(on ? 'agents' : 'images')}
    >
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round">
        <path d="M12 3 3.5 7.5 12 12l8.5-4.5L12 3Z" />
        <path d="m3.5 12 8.5 4.5 8.5-4.5" />
        <path d="m3.5 16.5 8.5 4.5 8.5-4.5" />
      </svg>
      <span className="header-button-label">Images</span>
    </button>
  );
}
