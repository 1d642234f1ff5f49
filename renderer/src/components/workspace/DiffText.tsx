import { DiffFile, DiffModeEnum, DiffView } from '@git-diff-view/react';
import '@git-diff-view/react/styles/diff-view-pure.css';
import { useMemo } from 'react';
import type { FileDiff } from '../../../../shared/workspace.js';
import { limitedPatch } from '../../lib/diff-hunks.js';
import { languageOf } from '../../lib/diff-view-model.js';
import type { DiffLayout } from '../../stores/diff-prefs.js';
import type { Theme } from '../../lib/theme.js';

interface DiffTextProps {
  diff: FileDiff;
  oldPath: string;
  layout: DiffLayout;
  theme: Theme;
  highlight: boolean;
  wrap: boolean;
  /** Rows drawn at most; the viewer draws every row it is given, so a long diff is cut. */
  maxRows: number;
  onMore(): void;
}

/** Giving up on a line diff that takes longer than this (two very different huge texts). */
const DIFF_TIMEOUT_MS = 2000;

/**
 * Both sides of a text file: jsdiff makes the hunks (with a time limit, cut to what draws
 * quickly), @git-diff-view draws
 * them side by side or unified, folds unchanged stretches, highlights with highlight.js, and
 * skips in-line diffs of very long lines.
 */
export function DiffText({ diff, oldPath, layout, theme, highlight, wrap, maxRows, onMore }: DiffTextProps) {
  const drawn = useMemo(() => {
    const cut = limitedPatch(oldPath, diff.path, diff.old.text ?? '', diff.new.text ?? '', maxRows, DIFF_TIMEOUT_MS);
    if (!cut) return null;
    const f = new DiffFile(oldPath, cut.oldText, diff.path, cut.newText, [cut.patch], languageOf(oldPath), languageOf(diff.path));
    f.initTheme(theme);
    if (highlight) f.init();
    else f.initRaw();
    f.buildSplitDiffLines();
    f.buildUnifiedDiffLines();
    return { file: f, cut };
  }, [diff, oldPath, theme, highlight, maxRows]);

  if (!drawn) return <p className="file-diff-note">The two sides are too different to compare line by line in time.</p>;
  const { file, cut } = drawn;
  return (
    <>
      {cut.shownHunks < cut.totalHunks && (
        <p className="file-diff-note" data-testid="diff-cut">
          Showing the first {cut.shownHunks.toLocaleString('en-US')} of {cut.totalHunks.toLocaleString('en-US')} changed stretches ({cut.shownRows.toLocaleString('en-US')} of{' '}
          {cut.totalRows.toLocaleString('en-US')} lines).{' '}
          <button type="button" className="link-button" data-action="draw-more" onClick={onMore}>
            Draw more
          </button>
        </p>
      )}
      <div className="diff-text" data-testid="diff-text" data-layout={layout} data-highlight={highlight}>
        <DiffView
          diffFile={file}
          diffViewMode={layout === 'split' ? DiffModeEnum.Split : DiffModeEnum.Unified}
          diffViewTheme={theme}
          diffViewHighlight={highlight}
          diffViewWrap={wrap}
          diffViewFontSize={12}
        />
      </div>
    </>
  );
}
