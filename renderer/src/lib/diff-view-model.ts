/**
 * How one file's diff is shown: which highlighter language its name suggests, and when a diff
 * is too big to draw (or to highlight) without being asked, so a huge file or a minified one-line
 * file never stalls the window.
 */
import type { FileDiff } from '../../../shared/workspace.js';

/** Above this many bytes (both sides together) the diff waits for a click. */
export const DRAW_ON_REQUEST_BYTES = 256 * 1024;
/** Above this many lines (both sides together) likewise. */
export const DRAW_ON_REQUEST_LINES = 6000;
/** Above this many bytes, no syntax highlighting (it runs on the main thread). */
export const HIGHLIGHT_MAX_BYTES = 192 * 1024;
/** Rows of diff drawn at first (the viewer draws every row it is given: a few ms each); "Draw more" raises it. */
export const DRAW_MAX_ROWS = 400;
/** A line longer than this is wrapped instead of scrolled, and not highlighted. */
export const LONG_LINE = 2000;

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  json: 'json', md: 'markdown', markdown: 'markdown', css: 'css', scss: 'scss', less: 'less',
  html: 'xml', htm: 'xml', xml: 'xml', svg: 'xml', vue: 'xml',
  py: 'python', rb: 'ruby', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', kts: 'kotlin', swift: 'swift',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', cs: 'csharp',
  php: 'php', pl: 'perl', lua: 'lua', r: 'r', sql: 'sql', sh: 'bash', bash: 'bash', zsh: 'bash',
  yml: 'yaml', yaml: 'yaml', toml: 'ini', ini: 'ini', cfg: 'ini', diff: 'diff', patch: 'diff',
  makefile: 'makefile', mk: 'makefile', dockerfile: 'dockerfile', gradle: 'gradle', graphql: 'graphql',
};

/** The highlight.js language for a path, 'plaintext' when none fits. */
export function languageOf(path: string): string {
  const name = (path.split('/').pop() ?? '').toLowerCase();
  if (name === 'makefile' || name === 'gnumakefile') return 'makefile';
  if (name === 'dockerfile' || name.startsWith('dockerfile.')) return 'dockerfile';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'plaintext';
  return BY_EXTENSION[name.slice(dot + 1)] ?? 'plaintext';
}

function lineCount(text: string | null): number {
  if (!text) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function longestLine(text: string | null): number {
  if (!text) return 0;
  let longest = 0;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    if (stop - start > longest) longest = stop - start;
    if (end === -1) return longest;
    start = end + 1;
  }
}

export type DiffShape =
  | { kind: 'binary'; oldBytes: number; newBytes: number; exists: { old: boolean; new: boolean } }
  | { kind: 'text'; big: boolean; highlight: boolean; wrap: boolean; lines: number; bytes: number; truncated: { old: boolean; new: boolean } };

export function diffShape(diff: FileDiff): DiffShape {
  if (diff.old.binary || diff.new.binary) {
    return { kind: 'binary', oldBytes: diff.old.sizeBytes, newBytes: diff.new.sizeBytes, exists: { old: diff.old.exists, new: diff.new.exists } };
  }
  const bytes = (diff.old.text?.length ?? 0) + (diff.new.text?.length ?? 0);
  const lines = lineCount(diff.old.text) + lineCount(diff.new.text);
  const long = Math.max(longestLine(diff.old.text), longestLine(diff.new.text)) > LONG_LINE;
  return {
    kind: 'text',
    big: bytes > DRAW_ON_REQUEST_BYTES || lines > DRAW_ON_REQUEST_LINES,
    highlight: bytes <= HIGHLIGHT_MAX_BYTES && !long,
    wrap: long,
    lines,
    bytes,
    truncated: { old: diff.old.truncated, new: diff.new.truncated },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n.toLocaleString('en-US')} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** "Binary file, 1.2 KiB → 3.4 KiB" (absent sides said as such). */
export function binaryLine(shape: Extract<DiffShape, { kind: 'binary' }>): string {
  const side = (exists: boolean, bytes: number) => (exists ? formatBytes(bytes) : 'none');
  return `Binary file, ${side(shape.exists.old, shape.oldBytes)} → ${side(shape.exists.new, shape.newBytes)}`;
}
