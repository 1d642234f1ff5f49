/** The text to show for a failed call: EnclaveError messages are Incus's own words. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
