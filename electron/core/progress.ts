/**
 * Incus reports an operation's progress as free-text values in its metadata, under keys such as
 * `download_progress` or `create_instance_from_image_unpack_progress`. Returns the newest
 * such text, prefixed with what it is about.
 */
export function operationProgressText(metadata: Record<string, unknown> | null): string | null {
  if (!metadata) return null;
  for (const [key, value] of Object.entries(metadata)) {
    if (!key.endsWith('_progress') || typeof value !== 'string' || !value) continue;
    if (key.includes('unpack')) return `Unpacking image: ${value.replace(/^Unpack(ing)?:?\s*/i, '')}`;
    if (key.includes('download')) return `Downloading image: ${value}`;
    return value;
  }
  return null;
}
