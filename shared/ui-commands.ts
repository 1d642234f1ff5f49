/**
 * What the desktop app's menu (and its shortcuts) asks the window to do. The main process
 * names the command; the renderer decides what it applies to (the focused card, the open agent).
 */
export const UI_COMMANDS = ['new-agent', 'snapshot', 'open-terminal'] as const;
export type UiCommand = (typeof UI_COMMANDS)[number];

export function isUiCommand(value: unknown): value is UiCommand {
  return typeof value === 'string' && (UI_COMMANDS as readonly string[]).includes(value);
}
