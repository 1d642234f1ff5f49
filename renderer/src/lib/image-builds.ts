import type { ImageBuild, ImageInfo } from '../../../shared/types.js';

/** The log a window keeps per build. */
export const MAX_LOG_CHARS = 512 * 1024;

/** Appends pushed log text, keeping the end when the log grows past `max`. */
export function appendLog(log: string, text: string, max = MAX_LOG_CHARS): string {
  const joined = log + text;
  if (joined.length <= max) return joined;
  const cut = joined.slice(joined.length - max);
  const nl = cut.indexOf('\n');
  // Start on a whole line when one begins near the cut.
  return nl >= 0 && nl < 1024 ? cut.slice(nl + 1) : cut;
}

/**
 * A build as pushed (its log is not in images.build events) merged with what this window has:
 * its log stays, unless the pushed build carries one (images.builds).
 */
export function mergeBuild(known: ImageBuild | undefined, pushed: ImageBuild): ImageBuild {
  return known && pushed.log === '' ? { ...pushed, log: known.log } : pushed;
}

export function isEnded(build: Pick<ImageBuild, 'state'>): boolean {
  return build.state === 'done' || build.state === 'failed' || build.state === 'cancelled';
}

/** How the list names an image: its aliases, else the short fingerprint. */
export function imageTitle(image: Pick<ImageInfo, 'aliases' | 'fingerprint'>): string {
  return image.aliases.length ? image.aliases.join(', ') : image.fingerprint.slice(0, 12);
}

/** "used by claude-1, codex-2" / "unused", with other projects' instances counted. */
export function usageText(image: Pick<ImageInfo, 'usedBy' | 'usedElsewhere'>): string {
  const parts: string[] = [];
  if (image.usedBy.length) parts.push(image.usedBy.join(', '));
  if (image.usedElsewhere) parts.push(`${image.usedElsewhere} ${image.usedElsewhere === 1 ? 'instance' : 'instances'} in other projects`);
  return parts.length ? parts.join('; ') : 'No agent uses it';
}

/** The pieces an upload of `size` bytes is sent in. */
export function pieces(size: number, piece: number): { offset: number; end: number }[] {
  const out: { offset: number; end: number }[] = [];
  for (let offset = 0; offset < size; offset += piece) out.push({ offset, end: Math.min(size, offset + piece) });
  return out;
}
