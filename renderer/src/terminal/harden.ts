import { ClipboardAddon, type IClipboardProvider } from '@xterm/addon-clipboard';
import type { IDisposable, Terminal } from '@xterm/xterm';

/**
 * Escape sequences come from whatever runs in the agent, so from anyone. What we turn off:
 *
 * - CSI … t (window manipulation and reports: move/resize/iconify, report window and cell
 *   sizes, report the title, push/pop the title stack). `windowOptions: {}` already disables
 *   them all (xterm's default, stated explicitly in create-terminal.ts); the handler below
 *   swallows the whole family as well, so a later option change cannot re-open title
 *   reporting (the classic "set title, then ask for it back" input-injection trick).
 * - OSC 52 clipboard *reads* (`OSC 52 ; c ; ?`): never answered, even with OSC 52 writes
 *   allowed, so a program cannot read the user's clipboard.
 *
 * What we keep on purpose: DA1/DA2 (device attributes) and DSR/CPR (status and cursor position
 * reports), DECRQM and DECRQSS. Shells, readline, tmux, vim and less ask for them to learn what
 * the terminal can do and where the cursor is; answering reveals nothing about the user.
 *
 * Oversized payloads: xterm caps every OSC/DCS payload handed to a registered handler at
 * 10,000,000 characters (PAYLOAD_LIMIT in its OscHandler/DcsHandler); beyond that the payload
 * is dropped, not buffered further, and parsing continues. That covers OSC 52 (ClipboardAddon),
 * OSC 8 (hyperlinks) and the title. harden.test.ts feeds a 10 MB OSC 52 and OSC 8 through a
 * real xterm to check the handlers are never called and the UI keeps going. Because output is
 * flow-controlled (ack.ts), xterm only ever has about 1 MiB queued, so even a payload under the
 * cap arrives in pieces that each parse in milliseconds.
 */
export function hardenParser(term: Terminal): IDisposable[] {
  return [
    term.parser.registerCsiHandler({ final: 't' }, () => true),
    term.parser.registerOscHandler(52, (data) => isClipboardQuery(data)),
  ];
}

/** `c;?` (or `;?`, `p;?` …): a request to read the clipboard back. */
export function isClipboardQuery(data: string): boolean {
  const separator = data.indexOf(';');
  return separator !== -1 && data.slice(separator + 1) === '?';
}

/** Longest text a program may put on the clipboard through OSC 52. */
export const MAX_OSC52_TEXT = 1_000_000;

/** OSC 52 selection parameter: empty (default), c (clipboard), s (select); not p (primary). */
function targetsClipboard(selection: string): boolean {
  return selection === '' || selection.includes('c') || selection.includes('s');
}

/**
 * What ClipboardAddon may do once the user allowed OSC 52: write plain text to the clipboard,
 * nothing more. Reads answer empty (and never get here: the query guard swallows them first).
 */
export function writeOnlyClipboard(write: (text: string) => Promise<void>): IClipboardProvider {
  return {
    readText: () => '',
    writeText: (selection, text) => {
      // Invalid base64 decodes to '': that must not wipe the user's clipboard.
      if (!targetsClipboard(String(selection)) || text.length === 0 || text.length > MAX_OSC52_TEXT) return;
      return write(text).catch(() => {
        // The browser refused (no focus, no permission): nothing to tell the program.
      });
    },
  };
}

/** Loads ClipboardAddon for OSC 52 writes; disposing it turns OSC 52 off again. */
export function allowOsc52Writes(term: Terminal, write: (text: string) => Promise<void>): IDisposable {
  const addon = new ClipboardAddon(undefined, writeOnlyClipboard(write));
  term.loadAddon(addon);
  // Handlers registered later run first: this guard sees clipboard queries before the addon.
  const guard = term.parser.registerOscHandler(52, (data) => isClipboardQuery(data));
  return {
    dispose() {
      guard.dispose();
      addon.dispose();
    },
  };
}
