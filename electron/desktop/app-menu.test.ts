import { describe, expect, it } from 'vitest';
import type { UiCommand } from '../../shared/ui-commands.js';
import { COMMAND_ACCELERATORS, HELP_LABEL, appMenuTemplate, type AppMenuOptions, type MenuItemSpec } from './app-menu.js';

function menu(over: Partial<AppMenuOptions> = {}) {
  const commands: UiCommand[] = [];
  let help = 0;
  const template = appMenuTemplate({
    platform: 'linux',
    isPackaged: true,
    command: (c) => commands.push(c),
    openHelp: () => help++,
    ...over,
  });
  return { template, commands, help: () => help };
}

const top = (template: MenuItemSpec[]) => template.map((m) => m.label ?? m.role);
const sub = (template: MenuItemSpec[], label: string) => template.find((m) => m.label === label)?.submenu ?? [];
const roles = (items: MenuItemSpec[]) => items.map((i) => i.role).filter((r) => r !== undefined);
const allRoles = (template: MenuItemSpec[]): string[] => template.flatMap((m) => [...(m.role ? [m.role] : []), ...allRoles(m.submenu ?? [])]);

describe('appMenuTemplate', () => {
  it('has the usual menus, with the macOS app menu first on macOS only', () => {
    expect(top(menu().template)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(top(menu({ platform: 'darwin' }).template)).toEqual(['appMenu', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(top(menu({ platform: 'win32' }).template)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
  });

  it('puts the three commands in File, with their shortcuts, each calling back with its name', () => {
    const { template, commands } = menu();
    const file = sub(template, 'File');
    const items = file.filter((i) => i.click && i.accelerator);
    expect(items.map((i) => [i.label, i.accelerator])).toEqual([
      ['New agent…', 'CmdOrCtrl+N'],
      ['Snapshot', 'CmdOrCtrl+Shift+S'],
      ['Open terminal', 'CmdOrCtrl+Shift+T'],
    ]);
    for (const item of items) item.click?.();
    expect(commands).toEqual(['new-agent', 'snapshot', 'open-terminal']);
    expect(items.map((i) => i.accelerator)).toEqual(Object.values(COMMAND_ACCELERATORS));
  });

  it('ends File with Quit, or Close on macOS where Quit is in the app menu', () => {
    const linux = sub(menu().template, 'File');
    expect(linux.at(-2)).toEqual({ type: 'separator' });
    expect(linux.at(-1)).toEqual({ role: 'quit' });
    expect(sub(menu({ platform: 'darwin' }).template, 'File').at(-1)).toEqual({ role: 'close' });
  });

  it('has the editing roles', () => {
    expect(roles(sub(menu().template, 'Edit'))).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', 'selectAll']);
  });

  it('offers reload and developer tools from a checkout only', () => {
    expect(roles(sub(menu().template, 'View'))).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(roles(sub(menu({ isPackaged: false }).template, 'View'))).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const all = allRoles(menu({ platform, isPackaged: true }).template);
      expect(all).not.toContain('toggleDevTools');
      expect(all).not.toContain('reload');
      expect(all).not.toContain('forceReload');
    }
  });

  it('has the window roles: zoom and the system Window menu on macOS', () => {
    expect(roles(sub(menu().template, 'Window'))).toEqual(['minimize', 'close']);
    const mac = menu({ platform: 'darwin' }).template;
    expect(mac.find((m) => m.label === 'Window')?.role).toBe('window');
    expect(roles(sub(mac, 'Window'))).toEqual(['minimize', 'zoom', 'front']);
  });

  it('opens the project page from Help', () => {
    const m = menu();
    const help = sub(m.template, 'Help');
    expect(help.map((i) => i.label)).toEqual([HELP_LABEL]);
    help[0]?.click?.();
    expect(m.help()).toBe(1);
    expect(m.commands).toEqual([]);
  });

  it('gives no shortcut twice', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const accelerators = menu({ platform, isPackaged: false }).template.flatMap((m) => (m.submenu ?? []).flatMap((i) => (i.accelerator ? [i.accelerator] : [])));
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });
});
