// `npm run screenshots`: every view of the app as a user sees it, against the real backend and a
// real Incus daemon, in light and dark theme at 1280×800 and 1920×1080, saved as
// docs/screenshots/<size>/<theme>/<view>.png, with an index (docs/screenshots/README.md) that
// shows them all. Builds nothing: run `npm run build` first.
//
// It starts dist/electron/serve.mjs on a throwaway project and a settings folder of its own,
// makes the agents the views need (through the UI, plus one made with the incus CLI that holds a
// host folder), and drives Debian's Chromium through Playwright. A second serve pointed at a
// missing socket shows the connection screen. Everything it made is deleted at the end, also on
// failure and Ctrl-C. Allowlist entries are IP addresses (documentation ranges): nothing is
// resolved, and no agent sends anything anywhere.
/* global document, window, HTMLElement -- in the functions page.evaluate runs in the page */
import { Buffer } from 'node:buffer';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';
import { promisify } from 'node:util';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
];
const THEMES = ['light', 'dark'];
/** Every picture taken, in the index's order: file name, title, what it shows. */
const VIEWS = [
  { name: 'empty', title: 'First start', about: 'The dashboard before any agent exists.' },
  { name: 'dashboard', title: 'Dashboard', about: "Agents with their network policy, live graphs, snapshots, an isolation warning, and a template agent's run status." },
  { name: 'header', title: 'Header', about: 'The connection, the theme toggle, Settings and New agent (a strip of the window).' },
  { name: 'network-tooltip', title: 'Network tooltip', about: "An allowlist agent's network badge, hovered." },
  { name: 'fix-dialog', title: 'Isolation fix', about: 'The Fix dialog of an agent holding a host folder.' },
  { name: 'new-agent-template', title: 'New agent: template', about: "The wizard's first step: the templates, a missing image said plainly." },
  { name: 'new-agent', title: 'New agent: network', about: "The wizard's network step with an allowlist." },
  { name: 'new-agent-project', title: 'New agent: project', about: "The wizard's project step: a git repository to copy in, and what Enclave found in it." },
  { name: 'templates', title: 'Templates', about: 'The templates manager: a built-in, read-only, with Duplicate.' },
  { name: 'agent-view', title: 'Agent view', about: "An agent's own view: charts and timeline." },
  { name: 'agent-view-limits', title: 'Agent view: limits', about: 'Its limits, changed live.' },
  { name: 'agent-view-network', title: 'Agent view: network', about: 'Its network policy, changed live.' },
  { name: 'agent-view-activity', title: 'Agent view: activity', about: 'Its activity log.' },
  { name: 'agent-view-changes', title: 'Agent view: changes', about: "The Changes panel of an agent working on a copy of a project: its files and a diff." },
  { name: 'gate-dialog', title: 'Fetch as branch', about: 'The review gate: what bringing the work back as a branch does, with the commit message for uncommitted work.' },
  { name: 'rollback-dialog', title: 'Rollback', about: 'The confirmation before a snapshot is restored.' },
  { name: 'settings-limits', title: 'Settings: limits', about: 'Limits of new agents.' },
  { name: 'settings-network', title: 'Settings: network', about: 'The network policy of new agents.' },
  { name: 'settings-snapshots', title: 'Settings: snapshots', about: 'Automatic snapshots of new agents, and how long safety snapshots are kept.' },
  { name: 'settings-guard', title: 'Settings: guard', about: 'The guard of agents without settings of their own.' },
  { name: 'settings-secrets', title: 'Settings: secrets', about: 'Stored secrets (names only) and how they are kept.' },
  { name: 'images', title: 'Agent images', about: 'The images view: images with their agents, import and build.' },
  { name: 'terminal', title: 'Terminal', about: 'A shell in the terminal dock.' },
  { name: 'connection', title: 'Connection screen', about: 'What Enclave shows when it finds no Incus.' },
];
const SETTINGS_SECTIONS = ['limits', 'network', 'snapshots', 'guard', 'secrets'];
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const run = promisify(execFile);
const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

// ---- cleanup: steps run last-in first-out, once, whatever happens ----
const cleanups = [];
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- incus CLI on the throwaway project ----
async function incus(project, ...args) {
  // The flag goes right after the subcommand: after `--` it would belong to the command run.
  const [sub = '', ...rest] = args;
  const pending = run('incus', [sub, '--project', project, ...rest], { timeout: 60_000 });
  // `incus init` reads instance config from a stdin that is not a terminal: close it.
  pending.child.stdin?.end();
  return (await pending).stdout;
}

/** Instances, then the project's own profiles (Incus deletes only empty projects), then the project. */
async function dropProject(project) {
  const known = await run('incus', ['project', 'list', '-f', 'csv', '-c', 'n'], { timeout: 30_000 });
  if (!known.stdout.split('\n').includes(project)) return;
  const names = (await incus(project, 'list', '-c', 'n', '-f', 'csv')).split('\n').filter(Boolean);
  for (const name of names) await incus(project, 'delete', '--force', name);
  const profiles = (await incus(project, 'profile', 'list', '-c', 'n', '-f', 'csv')).split('\n').filter(Boolean);
  for (const name of profiles) if (name !== 'default') await incus(project, 'profile', 'delete', name);
  await run('incus', ['project', 'delete', project], { timeout: 60_000 });
}

// ---- browser mode ----
function startServe(env) {
  const child = spawn(process.execPath, [join(ROOT, 'dist/electron/serve.mjs'), '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 20 s:\n${out}`)), 20_000);
    const onData = (chunk) => {
      out += chunk.toString();
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}

// ---- PNG size ----
// Chromium writes PNGs fast, not small. Re-encoded losslessly (rows unfiltered, deflate level 9),
// the set is about a fifth smaller: flat UI colours compress better unfiltered.
function pngChunks(buf) {
  const chunks = [];
  for (let o = 8; o < buf.length; ) {
    const length = buf.readUInt32BE(o);
    chunks.push({ type: buf.toString('ascii', o + 4, o + 8), data: buf.subarray(o + 8, o + 8 + length) });
    o += 12 + length;
  }
  return chunks;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function repackPng(file) {
  const buf = readFileSync(file);
  const chunks = pngChunks(buf);
  const ihdr = chunks[0].data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  // 8-bit RGB or RGBA, not interlaced: what Chromium writes. Anything else is left alone.
  if (ihdr[8] !== 8 || (ihdr[9] !== 2 && ihdr[9] !== 6) || ihdr[12] !== 0) return;
  const bpp = ihdr[9] === 2 ? 3 : 4;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const out = Buffer.alloc(height * (stride + 1));
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = out.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const predicted = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      cur[i] = (line[i] + predicted) & 255;
    }
    out[y * (stride + 1)] = 0; // filter type none
    prev = cur;
  }
  const chunk = (type, data) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([head, body, crc]);
  };
  const packed = Buffer.concat([buf.subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(out, { level: 9, memLevel: 9 })), chunk('IEND', Buffer.alloc(0))]);
  if (packed.length < buf.length) writeFileSync(file, packed);
}

// ---- the pictures and their index ----
const shotPath = (size, theme, name) => join(OUT, size.name, theme, `${name}.png`);

/** One picture of the window, or (with clip) of one element of it, such as the header. */
async function shot(target, size, theme, name, element) {
  if (!VIEWS.some((view) => view.name === name)) throw new Error(`"${name}" is not in VIEWS`);
  await target.waitForTimeout(250); // transitions and the tooltip's fade
  const options = { path: shotPath(size, theme, name), animations: 'disabled', caret: 'hide' };
  await (element ? element.screenshot(options) : target.screenshot({ ...options, fullPage: false }));
}

/** Every PNG under the folder, as paths relative to it. */
function pngsUnder(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? pngsUnder(join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.png') ? [`${prefix}${entry.name}`] : [],
  );
}

/** docs/screenshots/README.md: a table of every picture, then each view light and dark side by side. */
function writeIndex() {
  const label = (size) => size.name.replace('x', '×');
  const lines = [
    '# Screenshots',
    '',
    'Every view of Enclave as a user sees it, against a real Incus daemon, in light and dark theme at',
    `${SIZES.map(label).join(' and ')}. Made by \`npm run screenshots\` (scripts/screenshots.mjs, after`,
    '`npm run build`), which also writes this page: do not edit either by hand.',
    '',
    `Files are \`<size>/<theme>/<view>.png\`: ${SIZES.flatMap((size) => THEMES.map((theme) => `[${size.name}/${theme}/](${size.name}/${theme}/)`)).join(', ')}.`,
    '',
    `| View | ${SIZES.flatMap((size) => THEMES.map((theme) => `${label(size)} ${theme}`)).join(' | ')} |`,
    `| --- | ${SIZES.flatMap(() => THEMES.map(() => '---')).join(' | ')} |`,
    ...VIEWS.map(
      (view) => `| [${view.title}](#${view.name}) | ${SIZES.flatMap((size) => THEMES.map((theme) => `[png](${size.name}/${theme}/${view.name}.png)`)).join(' | ')} |`,
    ),
    '',
  ];
  const [small] = SIZES;
  for (const view of VIEWS) {
    lines.push(`<a id="${view.name}"></a>`, '', `## ${view.title}`, '', view.about, '');
    lines.push(THEMES.map((theme) => `<img src="${small.name}/${theme}/${view.name}.png" width="49%" alt="${view.title}, ${theme} theme, ${label(small)}">`).join(' '), '');
    lines.push(SIZES.slice(1).flatMap((size) => THEMES.map((theme) => `[${label(size)} ${theme}](${size.name}/${theme}/${view.name}.png)`)).join(' · '), '');
  }
  writeFileSync(join(OUT, 'README.md'), lines.join('\n'));
}

// ---- page helpers ----
const card = (page, name) => page.locator(`[data-testid="agent-card"][data-agent="${name}"]`);
const visible = (locator, timeout = 15_000) => locator.first().waitFor({ state: 'visible', timeout });

async function until(what, check, timeout = 60_000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function statusOf(page, name) {
  return card(page, name).getAttribute('data-status', { timeout: 1_000 }).catch(() => null);
}

/** The theme as a user sets it: the header's toggle (System, Light, Dark), until <html data-theme> says so. */
async function setTheme(page, theme) {
  for (let i = 0; i < 3; i++) {
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) === theme) return;
    await page.locator('.theme-toggle').click();
  }
  throw new Error(`could not switch to the ${theme} theme`);
}

/** No dialog, no agent view, no hover, scrolled to the top. */
async function calm(page) {
  for (let i = 0; i < 3 && (await page.locator('[role="dialog"], [data-testid$="-dialog"]').count()); i++) await page.keyboard.press('Escape');
  const view = page.getByTestId('agent-view');
  if (await view.count()) {
    await view.locator('.view-head button[aria-label="Close the timeline"]').click();
    await view.waitFor({ state: 'detached' });
  }
  await page.mouse.move(2, 2);
  await page.evaluate(() => document.querySelectorAll('.app-scroll').forEach((el) => el.scrollTo(0, 0)));
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
}

/** A call through the page's own bridge to the backend, as the UI makes them. */
async function call(page, method, args) {
  return page.evaluate(async ([m, a]) => {
    const reply = await window.enclave.call(m, a);
    if (!reply.ok) throw new Error(reply.error?.message ?? 'failed');
    return reply.result;
  }, [method, args]);
}

/** A git repository with a few files and one uncommitted change; git without the user's config. */
async function makeRepo(dir) {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'You', GIT_AUTHOR_EMAIL: 'you@example.invalid', GIT_COMMITTER_NAME: 'You', GIT_COMMITTER_EMAIL: 'you@example.invalid' };
  const git = (...args) => run('git', args, { cwd: dir, env });
  writeFileSync(join(dir, 'README.md'), '# my-app\n\nA small web app.\n');
  writeFileSync(join(dir, 'src', 'main.ts'), 'export function main(): void {\n  console.log("hello");\n}\n');
  writeFileSync(join(dir, 'package.json'), '{ "name": "my-app", "version": "1.0.0" }\n');
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'First version');
  writeFileSync(join(dir, 'src', 'main.ts'), 'export function main(): void {\n  console.log("hello, world");\n}\n');
}

async function createThroughUi(page, name, network) {
  await page.getByTestId('new-agent').first().click();
  const dialog = page.getByTestId('new-agent-dialog');
  await visible(dialog);
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill(name);
  if (network) {
    await dialog.getByTestId('wizard-step-network').click();
    await network(dialog);
  }
  await page.getByTestId('create-agent').click();
  await dialog.waitFor({ state: 'detached' });
  // The wizard opened the agent's terminal; the views here are taken without the dock.
  const close = page.locator(`[data-testid="terminal-tab"][data-agent="${name}"] [data-testid="terminal-close"]`).first();
  await visible(close);
  await close.click();
  await close.waitFor({ state: 'detached' });
}

async function fillAllowlist(dialog) {
  await dialog.getByTestId('wizard-step-network').click();
  await dialog.getByTestId('new-agent-network-mode-allowlist').check();
  await dialog.getByTestId('new-agent-network-host-0').fill('203.0.113.7');
  await dialog.getByTestId('new-agent-network-ports-0').fill('443');
  await dialog.getByTestId('new-agent-network-add-host').click();
  await dialog.getByTestId('new-agent-network-host-1').fill('198.51.100.0/28');
  await dialog.getByTestId('new-agent-network-ports-1').fill('80, 443');
}

async function takeSnapshot(page, view, name, comment) {
  await view.getByTestId('snapshot-name').fill(name);
  await view.getByTestId('snapshot-comment').fill(comment);
  await view.getByTestId('snapshot-create').click();
  await visible(view.locator(`[data-testid="snapshot-row"][data-snapshot="${name}"]`), 60_000);
}

/** Scrolls the agent view so the section titled `title` is at its top. */
async function scrollViewTo(page, title) {
  const found = await page.evaluate((wanted) => {
    const heading = [...document.querySelectorAll('.agent-view .section-title')].find((h) => h.textContent?.trim().startsWith(wanted));
    if (!heading) return false;
    heading.closest('section')?.scrollIntoView({ block: 'start' });
    return true;
  }, title);
  if (!found) throw new Error(`no "${title}" section in the agent view`);
  await page.waitForTimeout(150);
}

// ---- the run ----
async function main() {
  if (!existsSync(join(ROOT, 'dist/electron/serve.mjs')) || !existsSync(join(ROOT, 'dist/renderer/index.html'))) {
    throw new Error('Build first: npm run build');
  }
  const project = `enclave-shots-${randomBytes(3).toString('hex')}`;
  const scratch = mkdtempSync(join(tmpdir(), 'enclave-shots-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  // Under the home folder, so the paths the views show (the secrets file) read as a user's: ~/….
  mkdirSync(join(homedir(), '.config'), { recursive: true });
  const configDir = mkdtempSync(join(homedir(), '.config', 'enclave-screenshots-'));
  cleanups.push(() => rmSync(configDir, { recursive: true, force: true }));
  // Paths that show in the images read as a user's, not as this run's scratch folder.
  const hostFolder = '/srv/my-project';
  const madeHostFolder = !existsSync(hostFolder);
  mkdirSync(hostFolder, { recursive: true });
  if (madeHostFolder) cleanups.push(() => rmSync(hostFolder, { recursive: true, force: true }));
  cleanups.push(() => dropProject(project));
  // A small git repository for the wizard's project step, with one uncommitted change.
  const repoFolder = existsSync('/srv/my-app') ? join(scratch, 'my-app') : '/srv/my-app';
  mkdirSync(join(repoFolder, 'src'), { recursive: true });
  if (repoFolder === '/srv/my-app') cleanups.push(() => rmSync(repoFolder, { recursive: true, force: true }));
  await makeRepo(repoFolder);
  mkdirSync(OUT, { recursive: true });
  // Also the flat <theme>-<size>-<view>.png files of the earlier layout.
  for (const f of pngsUnder(OUT)) rmSync(join(OUT, f));
  for (const size of SIZES) for (const theme of THEMES) mkdirSync(join(OUT, size.name, theme), { recursive: true });

  log(`project ${project}`);
  const url = await startServe({ ENCLAVE_PROJECT: project, ENCLAVE_CONFIG_DIR: configDir });
  // Enclave never finds a daemon here: the connection screen.
  const missingSocket = '/run/incus-not-installed/unix.socket';
  const offlineUrl = await startServe({ ENCLAVE_PROJECT: project, ENCLAVE_CONFIG_DIR: configDir, INCUS_SOCKET: missingSocket });

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  const first = SIZES[0];
  const context = await browser.newContext({ viewport: { width: first.width, height: first.height }, colorScheme: 'light', deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(url);
  await visible(page.locator('[data-testid="new-agent"]:not([disabled])'), 30_000);

  // First start: no agent yet.
  log('the empty dashboard');
  await visible(page.getByTestId('empty-new-agent'), 30_000);
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const theme of THEMES) {
      await setTheme(page, theme);
      await calm(page);
      await shot(page, size, theme, 'empty');
    }
  }
  await page.setViewportSize({ width: first.width, height: first.height });

  // Agents: a plain restricted one, one in allowlist mode (addresses only), one with no network.
  log('creating agents through the UI');
  await createThroughUi(page, 'builder');
  await createThroughUi(page, 'fetcher', fillAllowlist);
  await createThroughUi(page, 'offline', (d) => d.getByTestId('new-agent-network-mode-none').check());
  // One made from a template of the user's: a CLI that asks and waits, with a secret.
  await call(page, 'secrets.set', { name: 'REVIEW_TOKEN', value: randomBytes(12).toString('hex') });
  await call(page, 'templates.save', {
    template: {
      id: 'reviewer', name: 'Reviewer', description: 'Asks before it refactors.', image: 'enclave-agent', installs: [],
      command: 'echo "reviewer: 3 files to refactor"; printf "Proceed? [y/n] "; read -r answer',
      env: {}, secrets: [{ anyOf: ['REVIEW_TOKEN'], optional: false, help: '' }], namePrefix: 'reviewer',
      limits: { cpu: '', memory: '', processes: '', disk: '' }, network: null, status: 'tmux',
    },
  });
  await call(page, 'agents.create', { name: 'reviewer-1', template: 'reviewer' });
  // One working on a copy of the project: a commit and an uncommitted change inside it.
  await call(page, 'agents.create', { name: 'coder', image: 'enclave-agent', workspace: { mode: 'copy', path: repoFolder, uncommitted: true } });
  await incus(project, 'exec', 'coder', '--cwd', '/workspace', '--', 'sh', '-c', [
    "cat > src/greet.ts <<'EOT'",
    'export function greet(name: string): string {',
    "  return 'hello, ' + name;",
    '}',
    'EOT',
    'git add src/greet.ts && git -c user.name=coder -c user.email=coder@example.invalid commit -q -m "Add greet()"',
    "printf '\\n## Usage\\n\\nnpm start\\n' >> README.md",
  ].join('\n'));
  for (const name of ['builder', 'fetcher', 'offline', 'reviewer-1', 'coder']) await until(`${name} running`, async () => (await statusOf(page, name)) === 'Running', 120_000);
  const running = Date.now();
  // Some real work in builder, so its graphs show more than a flat line: a little CPU every few
  // seconds, and a file written (memory, disk). Inside the agent only; ended by the cleanup.
  const work = spawn('incus', ['exec', 'builder', '--project', project, '--', 'sh', '-c',
    'head -c 48000000 /dev/zero > /root/blob; for i in $(seq 60); do head -c 40000000 /dev/urandom | md5sum > /dev/null; sleep 3; done'], { stdio: 'ignore' });
  cleanups.push(() => {
    if (work.exitCode === null) work.kill('SIGKILL');
  });

  // One made with the CLI, holding a host folder: Enclave's project refuses those, so lift that first.
  log('a CLI-made agent with a host folder');
  await incus(project, 'init', 'enclave-agent', 'drifted');
  await visible(card(page, 'drifted'), 30_000);
  await incus(project, 'project', 'set', project, 'restricted=false');
  await incus(project, 'config', 'device', 'add', 'drifted', 'hostdisk', 'disk', `source=${hostFolder}`, 'path=/mnt/host', 'readonly=true');
  await visible(card(page, 'drifted').getByTestId('isolation-warning'), 30_000);

  // Two snapshots of builder, with some work between them.
  log('snapshots of builder');
  await card(page, 'builder').locator('[data-action="open-view"]').click();
  const view = page.locator('[data-testid="agent-view"][data-agent="builder"]');
  await visible(view);
  await takeSnapshot(page, view, 'before-refactor', 'clean checkout');
  await incus(project, 'exec', 'builder', '--', 'sh', '-c', 'mkdir -p /root/work && echo done > /root/work/notes.txt');
  await takeSnapshot(page, view, 'tests-passing', 'all green after the refactor');
  await calm(page);
  // Let the graphs gather samples for a while.
  await page.waitForTimeout(Math.max(0, 45_000 - (Date.now() - running)));

  const offlineContext = await browser.newContext({ viewport: { width: first.width, height: first.height }, colorScheme: 'light', deviceScaleFactor: 1 });
  const offlinePage = await offlineContext.newPage();
  await offlinePage.goto(offlineUrl);
  await visible(offlinePage.getByTestId('connection-screen'), 30_000);

  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await offlinePage.setViewportSize({ width: size.width, height: size.height });
    for (const theme of THEMES) {
      const take = (target, name, element) => shot(target, size, theme, name, element);
      log(`${theme} ${size.name}`);
      await calm(page);
      await setTheme(page, theme);
      await calm(page);
      await take(page, 'dashboard');
      await take(page, 'header', page.locator('.app-header'));

      const badge = card(page, 'fetcher').getByTestId('network-badge');
      await badge.scrollIntoViewIfNeeded();
      await badge.hover();
      await visible(badge.locator('.net-tip'));
      await take(page, 'network-tooltip');
      await calm(page);

      // The dashboard shows the drifted card's isolation warning; here its Fix dialog.
      const warning = card(page, 'drifted').getByTestId('isolation-warning');
      await warning.scrollIntoViewIfNeeded();
      await warning.locator('[data-action="fix-isolation"]').click();
      await visible(page.getByTestId('fix-isolation-dialog'));
      await take(page, 'fix-dialog');
      await page.getByTestId('fix-isolation-dialog').getByTestId('cancel').click();
      await calm(page);

      await page.getByTestId('new-agent').first().click();
      const dialog = page.getByTestId('new-agent-dialog');
      await visible(dialog);
      await page.getByTestId('wizard-step-name').click();
      await page.getByTestId('agent-name').fill('reviewer');
      await fillAllowlist(dialog);
      await page.mouse.move(2, 2);
      // Scrolled to its end: the network section, its allowlist rows and the Create button.
      await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
      await page.getByTestId('create-agent').evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await take(page, 'new-agent');
      await dialog.getByTestId('wizard-step-project').click();
      await dialog.getByTestId('project-choice-copy').click();
      await dialog.getByTestId('project-path').fill(repoFolder);
      await visible(dialog.getByTestId('project-inspection'));
      await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
      await take(page, 'new-agent-project');
      await dialog.getByTestId('project-choice-none').click();
      await dialog.getByTestId('wizard-step-template').click();
      await dialog.getByTestId('template-choice-claude-code').click();
      await page.mouse.move(2, 2);
      await take(page, 'new-agent-template');
      await dialog.getByTestId('manage-templates').click();
      await page.getByTestId('templates-item-claude-code').click();
      await page.mouse.move(2, 2);
      await take(page, 'templates');
      await calm(page);

      await card(page, 'builder').locator('[data-action="open-view"]').click();
      await visible(view);
      await page.mouse.move(2, 2);
      await take(page, 'agent-view');
      await scrollViewTo(page, 'Limits');
      await take(page, 'agent-view-limits');
      await scrollViewTo(page, 'Network');
      await take(page, 'agent-view-network');
      await scrollViewTo(page, 'Activity');
      await take(page, 'agent-view-activity');
      // The rollback's confirmation, cancelled.
      const row = view.locator('[data-testid="snapshot-row"][data-snapshot="before-refactor"]');
      await row.scrollIntoViewIfNeeded();
      await row.locator('[data-action="restore"]').click();
      await visible(page.getByTestId('confirm-dialog'));
      await page.mouse.move(2, 2);
      await take(page, 'rollback-dialog');
      await page.getByTestId('confirm-dialog').getByTestId('cancel').click();
      await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
      await calm(page);

      await card(page, 'coder').locator('[data-action="open-view"]').click();
      const coderView = page.locator('[data-testid="agent-view"][data-agent="coder"]');
      await visible(coderView);
      await scrollViewTo(page, 'Changes');
      await visible(coderView.locator('[data-testid="changed-file"]').first(), 30_000);
      await coderView.locator('[data-testid="changed-file"][data-path="src/main.ts"]').click();
      await visible(coderView.getByTestId('file-diff'), 30_000);
      await visible(coderView.getByTestId('diff-text'), 30_000);
      await scrollViewTo(page, 'Changes');
      await page.mouse.move(2, 2);
      await take(page, 'agent-view-changes');
      await coderView.locator('[data-action="fetch-branch"]').click();
      await visible(page.getByTestId('bring-back-dialog'));
      await page.mouse.move(2, 2);
      await take(page, 'gate-dialog');
      await page.getByTestId('bring-back-dialog').getByTestId('cancel').click();
      await page.getByTestId('bring-back-dialog').waitFor({ state: 'detached' });
      await page.keyboard.press('Escape');
      await calm(page);

      await page.getByTestId('settings-open').click();
      await visible(page.getByTestId('settings-limits'));
      for (const section of SETTINGS_SECTIONS) {
        await page.getByTestId(`settings-tab-${section}`).click();
        await visible(page.getByTestId(`settings-${section}`));
        await page.mouse.move(2, 2);
        await take(page, `settings-${section}`);
      }
      await calm(page);

      await page.getByTestId('images-open').click();
      await visible(page.getByTestId('images-view'));
      await page.mouse.move(2, 2);
      await calm(page);
      await take(page, 'images');
      await page.getByTestId('images-back').click();
      await visible(card(page, 'builder'));
      await calm(page);

      await card(page, 'builder').locator('[data-action="shell"]').click();
      const shell = page.locator('[data-testid="terminal"][data-agent="builder"][data-kind="shell"]');
      await until('the shell tab open', async () => (await shell.getAttribute('data-state', { timeout: 1_000 }).catch(() => null)) === 'open', 30_000);
      const id = (await shell.getAttribute('data-terminal-id')) ?? '';
      await shell.locator('.xterm').click();
      await page.keyboard.type('echo hello');
      await page.keyboard.press('Enter');
      await until('hello in the shell', async () => /^hello\s*$/m.test(await page.evaluate((tid) => window.__enclaveTerminalText?.(tid) ?? '', id)), 15_000);
      await page.mouse.move(2, 2);
      await take(page, 'terminal');
      await page.locator('[data-testid="terminal-tab"]').filter({ has: page.locator('[data-testid="terminal-close"]') }).first().getByTestId('terminal-close').click();
      const confirm = page.getByTestId('confirm');
      if (await confirm.isVisible().catch(() => false)) await confirm.click();
      await until('the shell tab closed', async () => (await page.getByTestId('terminal-tab').count()) === 0, 15_000);

      await setTheme(offlinePage, theme);
      await offlinePage.mouse.move(2, 2);
      await take(offlinePage, 'connection');
    }
  }

  const files = pngsUnder(OUT);
  const missing = SIZES.flatMap((size) => THEMES.flatMap((theme) => VIEWS.map((view) => shotPath(size, theme, view.name)))).filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`no picture at ${missing.join(', ')}`);
  for (const f of files) repackPng(join(OUT, f));
  const bytes = files.reduce((sum, f) => sum + statSync(join(OUT, f)).size, 0);
  writeIndex();
  log(`${files.length} screenshots, ${(bytes / 1024 / 1024).toFixed(2)} MB, and an index in docs/screenshots/README.md`);

  // Deleted while the backend runs, so Enclave drops the allowlist agent's rules from its ACL.
  log('deleting the agents');
  for (const name of ['builder', 'fetcher', 'offline', 'drifted', 'coder', 'reviewer-1']) await incus(project, 'delete', '--force', name).catch(() => undefined);
  await until('the cards gone', async () => (await page.getByTestId('agent-card').count()) === 0, 30_000).catch(() => undefined);
}

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
} finally {
  await cleanup();
  log('done');
}
