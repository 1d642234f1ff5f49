import { DiffFile, DiffModeEnum, DiffView } from '@git-diff-view/react';
import { createTwoFilesPatch } from 'diff';
import '@git-diff-view/react/styles/diff-view-pure.css';
import { useMemo } from 'react';
import type { FileDiff } from '../../../../shared/workspace.js';
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
}

/** Giving up on a line diff that takes longer than this (two very different huge texts). */
const DIFF_TIMEOUT_MS = 2000;

/**
 * Both sides of a text file: jsdiff makes the hunks (with a time limit), @git-diff-view draws
 * them side by side or unified, folds unchanged stretches, highlights with highlight.js, and
 * skips in-line diffs of very long lines.
 */
export function DiffText({ diff, oldPath, layout, theme, highlight, wrap }: DiffTextProps) {
  const file = useMemo(() => {
    const oldText = diff.old.text ?? '';
    const newText = diff.new.text ?? '';
    const patch = createTwoFilesPatch(oldPath, diff.path, oldText, newText, '', '', { context: 3, timeout: DIFF_TIMEOUT_MS });
    if (patch === undefined) return null;
    const f = new DiffFile(oldPath, oldText, diff.path, newText, [patch], languageOf(oldPath), languageOf(diff.path));
    f.initTheme(theme);
    if (highlight) f.init();
    else f.initRaw();
    f.buildSplitDiffLines();
    f.buildUnifiedDiffLines();
    return f;
  }, [diff, oldPath, theme, highlight]);

  if (!file) return <p className="file-diff-note">The two sides are too different to compare line by line in time.</p>;
  return (
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
  );
}
