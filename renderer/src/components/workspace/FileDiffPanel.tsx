import { type ReactNode, lazy, Suspense, useEffect, useState } from 'react';
import type { FileDiff } from '../../../../shared/workspace.js';
import { DRAW_MAX_ROWS, binaryLine, diffShape, formatBytes } from '../../lib/diff-view-model.js';
import { errorMessage } from '../../lib/errors.js';
import { useDiffPrefs } from '../../stores/diff-prefs.js';
import { useEffectiveTheme } from '../../stores/theme.js';
import { loadFileDiff } from '../../workspace-actions.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { DiffLayoutToggle } from './DiffLayoutToggle.js';
import { PathText } from './ChangedFileRow.js';

interface FileDiffPanelProps {
  agent: string;
  /** The file as the list names it (id) and shows it; `from` for a rename. */
  file: { id: string; path: string; from: { id: string; path: string } | null };
  /** Compare mode: this other agent's version is the new side. */
  against?: string | null;
  /** Changes when the work changed, so the diff is read again. */
  version: string;
  /** Words above the sides, e.g. "web → api". */
  sides?: { old: string; new: string };
  /** A note the list has for this file (a submodule, an LFS pointer). */
  note?: string | null;
  /** More buttons beside the layout toggle. */
  tools?: ReactNode;
}

// The diff viewer and its highlighter grammars load with the first diff, not with the app.
const DiffText = lazy(() => import('./DiffText.js').then((m) => ({ default: m.DiffText })));

type Load = { state: 'loading' } | { state: 'failed'; error: string } | { state: 'ready'; diff: FileDiff };

/** One changed file: both sides read from the agent, drawn by the diff viewer (or said in words when binary or too big). */
export function FileDiffPanel({ agent, file, against = null, version, sides, note, tools }: FileDiffPanelProps) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [drawBig, setDrawBig] = useState(false);
  const [maxRows, setMaxRows] = useState(DRAW_MAX_ROWS);
  const layout = useDiffPrefs((state) => state.layout);
  const theme = useEffectiveTheme();
  const fromId = file.from?.id ?? null;

  useEffect(() => {
    let live = true;
    setLoad((current) => (current.state === 'ready' ? current : { state: 'loading' }));
    loadFileDiff(agent, file.id, fromId, against).then(
      (diff) => live && setLoad({ state: 'ready', diff }),
      (error: unknown) => live && setLoad({ state: 'failed', error: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [agent, file.id, fromId, against, version]);

  useEffect(() => {
    setDrawBig(false);
    setMaxRows(DRAW_MAX_ROWS);
  }, [file.id, against]);

  // A diff of another file still on screen while the new one loads would mislead.
  const diff = load.state === 'ready' && load.diff.id === file.id ? load.diff : null;
  const shape = diff ? diffShape(diff) : null;

  return (
    <section className="file-diff" data-testid="file-diff" data-path={file.path} aria-label={`Diff of ${file.path}`}>
      <header className="file-diff-head">
        <div className="file-diff-title">
          {file.from && (
            <>
              <span className="cf-from">{file.from.path}</span>
              <span className="cf-arrow" aria-label="renamed to">
                →
              </span>
            </>
          )}
          <PathText path={file.path} />
        </div>
        <div className="file-diff-tools">
          {tools}
          <DiffLayoutToggle />
        </div>
      </header>
      {sides && (
        <p className="file-diff-sides">
          <span className="diff-side-old">{sides.old}</span> → <span className="diff-side-new">{sides.new}</span>
        </p>
      )}
      {note && <p className="file-diff-note">{note}</p>}
      {load.state === 'failed' ? (
        <InlineError testId="file-diff-error" message={load.error} />
      ) : !diff || !shape ? (
        <p className="file-diff-loading">
          <Spinner /> Reading both sides…
        </p>
      ) : shape.kind === 'binary' ? (
        <p className="file-diff-binary" data-testid="diff-binary">
          {binaryLine(shape)}
        </p>
      ) : (
        <>
          {(shape.truncated.old || shape.truncated.new) && (
            <p className="file-diff-note" data-testid="diff-truncated">
              {shape.truncated.old && shape.truncated.new ? 'Both sides are' : shape.truncated.old ? 'The old side is' : 'The new side is'} cut at 1 MiB: the end of the file is not shown.
            </p>
          )}
          {!shape.highlight && <p className="file-diff-note">Shown without syntax colours ({shape.wrap ? 'very long lines' : formatBytes(shape.bytes)}).</p>}
          {diff.old.text === diff.new.text && diff.old.exists && diff.new.exists ? (
            <p className="file-diff-note">The text is the same on both sides (its mode or type changed).</p>
          ) : shape.big && !drawBig ? (
            <div className="file-diff-big" data-testid="diff-big">
              <p>
                A big diff: {shape.lines.toLocaleString('en-US')} lines, {formatBytes(shape.bytes)}. It is drawn when you ask, so the window stays quick.
              </p>
              <button type="button" className="button button-small" data-action="draw-big" onClick={() => setDrawBig(true)}>
                Show the diff
              </button>
            </div>
          ) : (
            <Suspense
              fallback={
                <p className="file-diff-loading">
                  <Spinner /> Loading the diff viewer…
                </p>
              }
            >
              <DiffText
                diff={diff}
                oldPath={file.from?.path ?? file.path}
                layout={layout}
                theme={theme}
                highlight={shape.highlight}
                wrap={shape.wrap}
                maxRows={maxRows}
                onMore={() => setMaxRows((rows) => rows * 4)}
              />
            </Suspense>
          )}
        </>
      )}
    </section>
  );
}
