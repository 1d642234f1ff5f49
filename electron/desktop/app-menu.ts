import type { UiCommand } from '../../shared/ui-commands.js';

/** Electron's MenuItemConstructorOptions, as much as the app menu uses. */
export interface MenuItemSpec {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu' | 'normal';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

/** The menu commands' shortcuts, shown in the menu and documented in the README. */
export const COMMAND_ACCELERATORS: Record<UiCommand, string> = {
  'new-agent': 'CmdOrCtrl+N',
  snapshot: 'CmdOrCtrl+Shift+S',
  'open-terminal': 'CmdOrCtrl+Shift+T',
};

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** Developer tools and reload only from a checkout, not in a packaged app. */
  isPackaged: boolean;
  /** Sends the command to the focused window. */
  command(command: UiCommand): void;
  /** Opens the project's page (Help) through the external-link path. */
  openHelp(): void;
}

/** The application menu: the usual roles, plus New agent, Snapshot and Open terminal. */
export function appMenuTemplate(opts: AppMenuOptions): MenuItemSpec[] {
  throw new Error(`not implemented ${opts.platform}`);
}
