/** What the renderer may know of the stored secrets: names and dates, never values. */
export interface SecretInfo {
  name: string;
  /** Milliseconds since the epoch. */
  updatedAt: number;
}

export interface SecretsInfo {
  /** False in browser mode (and where the OS offers no keychain): the file is only mode 0600. */
  encrypted: boolean;
  /** Said to the user beside the list: where the secrets are and how they are kept. */
  storage: string;
  secrets: SecretInfo[];
}

export const MAX_SECRET_BYTES = 16 * 1024;

export function secretValueProblem(value: string): string | null {
  if (value.length === 0) return 'A secret has a value; to remove it, delete it.';
  if (new TextEncoder().encode(value).byteLength > MAX_SECRET_BYTES) return `A secret is at most ${MAX_SECRET_BYTES / 1024} KiB.`;
  if (/[\0\r\n]/.test(value)) return 'A secret is one line (no line breaks or NUL): paste the key or token alone.';
  return null;
}
