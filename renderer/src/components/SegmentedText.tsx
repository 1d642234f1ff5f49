/** One choice of a SegmentedText: its value, its label, and what its data attribute says (for tests). */
export interface SegmentOption<T> {
  value: T;
  label: string;
  data: string;
}

interface SegmentedTextProps<T> {
  /** The group's accessible name. */
  label: string;
  testId: string;
  /** The name of each button's data attribute (data-<name>). */
  dataName: string;
  options: readonly SegmentOption<T>[];
  value: T;
  onChange(value: T): void;
}

/** A row of pressed/unpressed text buttons of which one is on. */
export function SegmentedText<T>({ label, testId, dataName, options, value, onChange }: SegmentedTextProps<T>) {
  return (
    <div className="segmented" role="group" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button
          key={o.label}
          type="button"
          className={`segmented-button segmented-text${o.value === value ? ' is-on' : ''}`}
          aria-pressed={o.value === value}
          {...{ [`data-${dataName}`]: o.data }}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
