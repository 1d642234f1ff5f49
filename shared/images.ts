/**
 * Agent images: the rules for what the image builder accepts, the hosts its installer may
 * reach, and the built-in provision script. Pure, used by the backend and the renderer.
 */
// from shared/templates.ts (lead's branch)
import type { AgentCli } from './templates.js';
import type { NetworkPolicy } from './types.js';

export const IMAGE_ALIAS_RULE = 'An image alias is 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.';
export const IMAGE_VERSION_RULE = 'A version is 1 to 64 letters, digits, dots, dashes, underscores and plus signs.';
/** A provision script travels in one call (the transport's argument limit is 64 KiB). */
export const MAX_SCRIPT_CHARS = 48 * 1024;
/** The largest image tarball Enclave imports. */
export const IMAGE_UPLOAD_MAX_BYTES = 16 * 1024 ** 3;
/** The alias the builder suggests: AGENTS_IMAGE of electron/core/templates/builtin.ts (lead's branch). */
export const DEFAULT_AGENTS_ALIAS = 'enclave-agents';
/** The base image builders start from unless the user picks another. */
export const DEFAULT_BUILD_BASE = 'enclave-agent';

/** Image properties where Enclave keeps what it knows of an image it built. */
export const IMAGE_PROPS = {
  version: 'user.enclave.image-version',
  installs: 'user.enclave.installs',
  base: 'user.enclave.built-from',
} as const;

export function imageAliasProblem(alias: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(alias)) return `"${alias.slice(0, 40)}": ${IMAGE_ALIAS_RULE}`;
  if (/^[0-9a-f]{12,64}$/.test(alias)) return `"${alias}" looks like a fingerprint; an alias needs at least one other character.`;
  return null;
}

export function imageVersionProblem(version: string): string | null {
  return /^[A-Za-z0-9._+-]{1,64}$/.test(version) ? null : `"${version.slice(0, 40)}": ${IMAGE_VERSION_RULE}`;
}

/** A version for a build started at `now`: its UTC date and minute, e.g. 2026.12.01-2231. */
export function defaultImageVersion(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}.${p(now.getUTCMonth() + 1)}.${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}`;
}

export interface CliInstall {
  cli: AgentCli;
  label: string;
  /** How the built-in script installs it. */
  via: 'npm' | 'pipx';
  package: string;
  /** Said in the builder's form: what the install needs beyond Debian's archive and npm. */
  note: string;
}

export const CLI_INSTALLS: Record<AgentCli, CliInstall> = {
  'claude-code': { cli: 'claude-code', label: 'Claude Code', via: 'npm', package: '@anthropic-ai/claude-code', note: '' },
  codex: { cli: 'codex', label: 'Codex CLI', via: 'npm', package: '@openai/codex', note: '' },
  gemini: { cli: 'gemini', label: 'Gemini CLI', via: 'npm', package: '@google/gemini-cli', note: '' },
  opencode: { cli: 'opencode', label: 'opencode', via: 'npm', package: 'opencode-ai', note: '' },
  aider: {
    cli: 'aider',
    label: 'Aider',
    via: 'pipx',
    package: 'aider-chat',
    note: 'Aider installs from PyPI (pypi.org, files.pythonhosted.org): the builder may reach them too. A machine that cannot reach PyPI cannot build it.',
  },
};

const DEBIAN_HOSTS = ['deb.debian.org', 'security.debian.org'];
const NPM_HOSTS = ['registry.npmjs.org'];
const PYPI_HOSTS = ['pypi.org', 'files.pythonhosted.org'];

/**
 * The builder's network for the built-in script: Debian's archive (apt speaks http, so 80 and
 * 443) and the npm registry; PyPI only when Aider is chosen. Nothing else.
 */
export function builderPolicy(installs: readonly AgentCli[]): NetworkPolicy {
  const hosts = [...DEBIAN_HOSTS, ...NPM_HOSTS, ...(installs.includes('aider') ? PYPI_HOSTS : [])];
  return {
    mode: 'allowlist',
    allow: hosts.map((host) => ({ host, ports: host.endsWith('debian.org') ? [80, 443] : [443] })),
    ingress: '',
    egress: '',
  };
}

/** The Node.js major the built-in script installs from the npm registry (an LTS line). */
export const NODE_LTS_MAJOR = 22;

/**
 * The built-in provision script: tmux, git and Debian's Node.js from the Debian archive, then
 * Node.js LTS from the npm registry (the `node` package ships the official binaries there),
 * then the chosen CLIs. Runs as root in the builder with bash; the build fails at the first
 * failing line.
 */
export function provisionScript(installs: readonly AgentCli[]): string {
  const npm = installs.filter((c) => CLI_INSTALLS[c].via === 'npm').map((c) => CLI_INSTALLS[c].package);
  const aider = installs.includes('aider');
  const lines = [
    '#!/bin/bash',
    '# Provision script of an Enclave agent image. It runs as root in a builder container',
    '# that reaches only Debian\'s archive and the npm registry (and PyPI for Aider).',
    'set -euo pipefail',
    'export DEBIAN_FRONTEND=noninteractive',
    '',
    '# Wait for the network (the builder gets its address by DHCP as it boots).',
    'for i in $(seq 1 30); do getent hosts deb.debian.org >/dev/null && break; sleep 1; done',
    '',
    'apt-get update',
    `apt-get install -y --no-install-recommends ca-certificates tmux git nodejs npm${aider ? ' pipx' : ''}`,
    '',
    `# Node.js ${NODE_LTS_MAJOR} (LTS) from the npm registry; Debian's own is older than some CLIs need.`,
    `npm install -g --no-fund --no-audit node@${NODE_LTS_MAJOR}`,
    'hash -r',
    'node --version',
  ];
  if (npm.length) {
    lines.push('', '# The agent CLIs.', `npm install -g --no-fund --no-audit ${npm.join(' ')}`);
  }
  if (aider) {
    lines.push('', '# Aider, from PyPI.', 'PIPX_HOME=/opt/pipx PIPX_BIN_DIR=/usr/local/bin pipx install aider-chat');
  }
  lines.push('', '# Leave no caches in the image.', 'apt-get clean', 'rm -rf /var/lib/apt/lists/* /root/.npm /root/.cache', '');
  return lines.join('\n');
}
