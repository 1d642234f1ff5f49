import { type DiffLayout, useDiffPrefs } from '../../stores/diff-prefs.js';

const LAYOUTS: { layout: DiffLayout; label: string }[] = [
  { layout: 'split', label: 'Side by side' },
  { layout: 'unified', label: 'Unified' },
];

export function DiffLayoutToggle() {
  const layout = useDiffPrefs((state) => state.layout);
  const setLayout = useDiffPrefs((state) => state.setLayout);
  return (
    <div className="segmented" role="group" aria-label="Diff layout" data-testid="diff-layout">
      {LAYOUTS.map((l) => (
        <button
          key={l.layout}
          type="button"
          className={`segmented-button segmented-text${layout === l.layout ? ' is-on' : ''}`}
          aria-pressed={layout === l.layout}
          data-layout={l.layout}
          onClick={() => setLayout(l.layout)}
        >
          {l.label}
        </button>
      ))}
    </div>
  );
}
