import { useEffect, useId, useMemo, useState } from 'react';
import type { ComparedFile, WorkspaceComparison } from '../../../../shared/workspace.js';
import { shortSha } from '../../lib/changes-list.js';
import { errorMessage } from '../../lib/errors.js';
import { compareCell, compareGroup, compareSummary } from '../../lib/workspace-compare.js';
import { compareAgents } from '../../workspace-actions.js';
import { InlineError } from '../InlineError.js';
import { Modal } from '../Modal.js';
import { Spinner } from '../Spinner.js';
import { DismissButton } from '../DismissButton.js';
import { PathText, StatusLetter } from './ChangedFileRow.js';
import { FileDiffPanel } from './FileDiffPanel.js';
import { VirtualList } from './VirtualList.js';

const GROUP_LABEL = { 'only-a': 'only A', 'only-b': 'only B', 'both-differ': 'both · differ', 'both-same': 'both · same' } as const;

const NO_FILES: ComparedFile[] = [];

/** What one agent did to the file, as the list's letter, or a dash when it left it as in the base. */
function StatusOrDash({ status }: { status: ComparedFile['inA'] }) {
  return status === null ? (
    <span className="cf-status cmp-none" aria-label="as in the base">
      –
    </span>
  ) : (
    <StatusLetter status={status} />
  );
}

type Load = { state: 'loading' } | { state: 'failed'; error: string } | { state: 'ready'; comparison: WorkspaceComparison };

/** Two agents from one base, file by file; a file's diff is A's version against B's. */
export function CompareView({ a, b, onClose }: { a: string; b: string; onClose(): void }) {
  const titleId = useId();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    compareAgents(a, b).then(
      (comparison) => {
        if (!live) return;
        setLoad({ state: 'ready', comparison });
        setSelected(comparison.files.find((f) => !f.same)?.id ?? comparison.files[0]?.id ?? null);
      },
      (error: unknown) => live && setLoad({ state: 'failed', error: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [a, b]);

  const files = load.state === 'ready' ? load.comparison.files : NO_FILES;
  const file = useMemo(() => files.find((f) => f.id === selected) ?? null, [files, selected]);

  return (
    <Modal testId="compare-view" labelledBy={titleId} onClose={onClose} className="modal-compare">
      <header className="compare-head">
        <h2 id={titleId} className="modal-title">
          Compare <span className="compare-a">{a}</span> with <span className="compare-b">{b}</span>
        </h2>
        <DismissButton label="Close the comparison" onClick={onClose} />
      </header>
      {load.state === 'loading' ? (
        <p className="file-diff-loading">
          <Spinner /> Reading both agents’ work…
        </p>
      ) : load.state === 'failed' ? (
        <InlineError testId="compare-error" message={load.error} />
      ) : !load.comparison.sameBase ? (
        <p className="modal-text" data-testid="compare-different-base">
          {a} and {b} did not start from the same commit, so their changes cannot be set side by side.
        </p>
      ) : (
        <div className="compare-body">
          <p className="compare-summary" data-testid="compare-summary">
            From base <code>{shortSha(load.comparison.base)}</code>: {compareSummary(files, a, b)}
            {load.comparison.truncated ? ' (more files not listed)' : ''}
          </p>
          {files.length === 0 ? (
            <p className="list-empty">Neither agent changed anything.</p>
          ) : (
            <div className="compare-split">
              <VirtualList<ComparedFile>
                items={files}
                keyOf={(f) => f.id}
                rowHeight={30}
                maxHeight={600}
                selected={selected}
                onSelect={setSelected}
                label="Files either agent changed"
                testId="compare-files"
                renderRow={(f) => (
                  <div className="cmp-row" data-testid="compared-file" data-path={f.path} data-group={compareGroup(f)}>
                    <span className={`cmp-group cmp-${compareGroup(f)}`}>{GROUP_LABEL[compareGroup(f)]}</span>
                    <PathText path={f.path} />
                    <span className="cmp-cells" title={`${a}: ${compareCell(f.inA)} · ${b}: ${compareCell(f.inB)}`}>
                      <StatusOrDash status={f.inA} />
                      <StatusOrDash status={f.inB} />
                    </span>
                  </div>
                )}
              />
              {file && (
                <FileDiffPanel
                  agent={a}
                  against={b}
                  file={{ id: file.id, path: file.path, from: null }}
                  version={`${a}:${b}`}
                  sides={{ old: a, new: b }}
                  note={file.same ? 'Both agents ended with the same content.' : null}
                />
              )}
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}
