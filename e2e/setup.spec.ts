import { expect, test } from '@playwright/test';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketProxy } from '../electron/test-support/proxy.js';
import { startServe, type Served } from './support.js';

// "Set up a local Incus" on a machine where no daemon answers, played by a proxy in front of the
// real socket. The setup is a fake script of the test's own (the real one would touch the real
// daemon): it prints, waits for the test's go, and exits with the code the test chose.
const dir = mkdtempSync(join(tmpdir(), 'enclave-e2e-setup-'));
const proxy = new SocketProxy(join(dir, 'unix.socket'), process.env.INCUS_SOCKET || '/var/lib/incus/unix.socket');
const script = join(dir, 'fake-setup.sh');
writeFileSync(
  script,
  `#!/usr/bin/env bash
echo "[fake-setup] installing incus"
echo "[fake-setup] a warning on stderr" >&2
while [ ! -e "${dir}/go" ]; do sleep 0.05; done
rm -f "${dir}/go"
echo "[fake-setup] ready"
exit "$(cat "${dir}/exit-code" 2>/dev/null || echo 0)"
`,
);
chmodSync(script, 0o755);
let served: Served;

test.beforeAll(async () => {
  served = await startServe({
    INCUS_SOCKET: proxy.path,
    ENCLAVE_PROJECT: process.env.ENCLAVE_PROJECT ?? '',
    ENCLAVE_TEST_SETUP_SCRIPT: script,
  });
});

test.afterAll(async () => {
  served?.child.kill('SIGTERM');
  await proxy.cut();
  rmSync(dir, { recursive: true, force: true });
});

test('no daemon, as root: the setup runs from the screen with its output live, and a failure says so', async ({ page }) => {
  writeFileSync(join(dir, 'exit-code'), '3');
  await page.goto(served.url);
  const screen = page.getByTestId('connection-screen');
  await expect(screen).toContainText('does not exist');
  const button = screen.getByRole('button', { name: 'Set up a local Incus' });
  await button.click();
  const log = screen.getByTestId('setup-log');
  // Live: these arrive while the script still waits for the go.
  await expect(log).toContainText('[fake-setup] installing incus');
  await expect(log).toContainText('[fake-setup] a warning on stderr');
  await expect(screen.getByRole('button', { name: /Setting up Incus/ })).toBeDisabled();
  writeFileSync(join(dir, 'go'), '');
  await expect(log).toContainText('[fake-setup] ready');
  await expect(screen.getByTestId('setup-result')).toContainText('exit 3');
  await expect(button).toBeEnabled();
});

test('the setup succeeds: the app connects by itself', async ({ page }) => {
  rmSync(join(dir, 'exit-code'), { force: true });
  await page.goto(served.url);
  const screen = page.getByTestId('connection-screen');
  await screen.getByRole('button', { name: 'Set up a local Incus' }).click();
  await expect(screen.getByTestId('setup-log')).toContainText('[fake-setup] installing incus');
  await proxy.start();
  writeFileSync(join(dir, 'go'), '');
  await expect(page.getByTestId('new-agent')).toBeVisible({ timeout: 10_000 });
  await expect(screen).toHaveCount(0);
});
