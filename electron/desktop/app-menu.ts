import type { UiCommand } from '../../shared/ui-commands.js';

/** The roles the menu uses, spelled as Electron's MenuItemConstructorOptions has them. */
export type MenuRole =
  | 'appMenu'
  | 'close'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'window'
  | 'help';

/** Electron's MenuItemConstructorOptions, as much as the app menu uses (assignable to it). */
export interface MenuItemSpec {
  label?: string;
  role?: MenuRole;
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

/** The menu's words for each command. */
export const COMMAND_LABELS: Record<UiCommand, string> = {
  // The ellipsis: it opens the wizard rather than acting at once.
  'new-agent': 'New agent…',
  snapshot: 'Snapshot',
  'open-terminal': 'Open terminal',
};

/** The project's page, opened by Help. */
export const HELP_LABEL = 'Enclave on the web';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** Developer tools and reload only from a checkout, not in a packaged app. */
  isPackaged: boolean;
  /** Sends the command to the focused window. */
  command(command: UiCommand): void;
  /** Opens the project's page (Help) through the external-link path. */
  openHelp(): void;
}

const separator: MenuItemSpec = { type: 'separator' };

/**
 * The application menu: the usual roles, plus New agent, Snapshot and Open terminal.
 *
 * A menu accelerator fires only for a key the page left unhandled, so a terminal that takes
 * Ctrl+N for its program keeps it, and the page's own Ctrl+Shift+S handler and the menu's
 * never both run for one key press.
 */
export function appMenuTemplate(opts: AppMenuOptions): MenuItemSpec[] {
  const mac = opts.platform === 'darwin';
  const command = (name: UiCommand): MenuItemSpec => ({
    label: COMMAND_LABELS[name],
    accelerator: COMMAND_ACCELERATORS[name],
    click: () => opts.command(name),
  });
  const developer: MenuItemSpec[] = opts.isPackaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator];
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemSpec] : []),
    {
      label: 'File',
      submenu: [command('new-agent'), command('snapshot'), command('open-terminal'), separator, mac ? { role: 'close' } : { role: 'quit' }],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'pasteAndMatchStyle' },
        { role: 'delete' },
        separator,
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' }],
    },
    {
      label: 'Window',
      // On macOS the role makes it the system's Window menu (the window list, Bring All to
      // Front); Close is in File there, as macOS apps have it.
      ...(mac ? ({ role: 'window' } satisfies MenuItemSpec) : {}),
      submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
    },
    {
      label: 'Help',
      ...(mac ? ({ role: 'help' } satisfies MenuItemSpec) : {}),
      submenu: [{ label: HELP_LABEL, click: () => opts.openHelp() }],
    },
  ];
}
