import { type DiffLayout, useDiffPrefs } from '../../stores/diff-prefs.js';
import { SegmentedText, type SegmentOption } from '../SegmentedText.js';

const LAYOUTS: SegmentOption<DiffLayout>[] = [
  { value: 'split', label: 'Side by side', data: 'split' },
  { value: 'unified', label: 'Unified', data: 'unified' },
];

export function DiffLayoutToggle() {
  const layout = useDiffPrefs((state) => state.layout);
  const setLayout = useDiffPrefs((state) => state.setLayout);
  return <SegmentedText label="Diff layout" testId="diff-layout" dataName="layout" options={LAYOUTS} value={layout} onChange={setLayout} />;
}
