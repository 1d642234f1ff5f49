import { DismissButton } from './DismissButton.js';

interface InlineErrorProps {
  message: string;
  testId: string;
  onDismiss?: () => void;
}

/** An error shown where it happened, in the backend's (usually Incus's) own words. */
export function InlineError({ message, testId, onDismiss }: InlineErrorProps) {
  return (
    <div className="inline-error" role="alert" data-testid={testId}>
      <span className="inline-error-text">{message}</span>
      {onDismiss && <DismissButton label="Dismiss error" onClick={onDismiss} />}
    </div>
  );
}
