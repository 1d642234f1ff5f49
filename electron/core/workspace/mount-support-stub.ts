/**
 * Stands in for mountSupport in ./mount-support.ts (the mount helper's) until that exists:
 * the lead swaps the import in inspect.ts and deletes this file.
 */
export function mountSupport(_path: string): Promise<{ possible: true } | { possible: false; reason: string }> {
  return Promise.resolve({ possible: false, reason: 'Live mounts are not built yet in this version of Enclave: use the isolated copy.' });
}
