/** An icon-only × button; the icon is SVG so the surrounding element's text stays the message alone. */
export function DismissButton({ label, onClick, disabled = false }: { label: string; onClick(): void; disabled?: boolean }) {
  return (
    <button type="button" className="icon-button dismiss" aria-label={label} title={label} onClick={onClick} disabled={disabled}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
    </button>
  );
}
