/**
 * Copies during a user gesture (a key or a menu click) through a copy event: unlike
 * navigator.clipboard this needs no permission, which Electron's window refuses.
 */
export function copyInGesture(text: string): boolean {
  let copied = false;
  const onCopy = (event: ClipboardEvent) => {
    if (!event.clipboardData) return;
    event.clipboardData.setData('text/plain', text);
    event.preventDefault();
    event.stopImmediatePropagation();
    copied = true;
  };
  document.addEventListener('copy', onCopy, true);
  try {
    document.execCommand('copy');
  } catch {
    // Not supported here: navigator.clipboard is tried next.
  } finally {
    document.removeEventListener('copy', onCopy, true);
  }
  return copied;
}
