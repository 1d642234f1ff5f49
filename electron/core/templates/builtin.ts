import type { AgentTemplate } from '../../../shared/templates.js';
import type { NetworkPolicy } from '../../../shared/types.js';

const https = (...hosts: string[]): NetworkPolicy => ({
  mode: 'allowlist',
  allow: hosts.map((host) => ({ host, ports: [443] })),
  ingress: '',
  egress: '',
});
/** Settings' default network of new agents (restricted unless the user changed it). */
const settingsDefault = null;
const noLimits = { cpu: '', memory: '', processes: '', disk: '' };
/** The image the built-in provision script builds with every agent CLI in it. */
export const AGENTS_IMAGE = 'enclave-agents';

/**
 * The templates Enclave ships. Vendor CLIs reach only their vendor's hosts (allowlist);
 * CLIs that talk to any model provider get the default policy (restricted: the internet, no private
 * ranges) by way of Settings' default network. Built-ins are read-only: the user duplicates one to change it.
 */
export const BUILTIN_TEMPLATES: readonly AgentTemplate[] = [
  {
    id: 'shell',
    name: 'Shell',
    description: 'A bash login shell in tmux, nothing else.',
    image: 'enclave-agent',
    installs: [],
    command: '',
    env: {},
    secrets: [],
    namePrefix: 'shell',
    limits: noLimits,
    network: settingsDefault,
    status: 'tmux',
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    description: "Anthropic's coding agent. Uses ANTHROPIC_API_KEY, or a long-lived CLAUDE_CODE_OAUTH_TOKEN made on the host with `claude setup-token`.",
    image: AGENTS_IMAGE,
    installs: ['claude-code'],
    command: 'claude',
    env: { DISABLE_AUTOUPDATER: '1' },
    secrets: [
      {
        anyOf: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
        optional: false,
        help: 'An API key from console.anthropic.com, or a token from `claude setup-token` (never the rotating login of another machine).',
      },
    ],
    namePrefix: 'claude',
    limits: noLimits,
    network: https('api.anthropic.com', 'statsig.anthropic.com', 'console.anthropic.com', 'claude.ai'),
    status: 'claude-code-hooks',
  },
  {
    id: 'codex',
    name: 'Codex CLI',
    description: "OpenAI's coding agent. Uses OPENAI_API_KEY; without one, run `codex login --device-auth` in the terminal and open the link it prints on any device.",
    image: AGENTS_IMAGE,
    installs: ['codex'],
    command: 'codex',
    env: {},
    secrets: [{ anyOf: ['OPENAI_API_KEY'], optional: true, help: 'An API key from platform.openai.com; leave unset to sign in with device login.' }],
    namePrefix: 'codex',
    limits: noLimits,
    network: https('api.openai.com', 'auth.openai.com', 'chatgpt.com'),
    status: 'tmux',
  },
  {
    id: 'aider',
    name: 'Aider',
    description: 'Aider pair programming; talks to whichever model provider its key is for.',
    image: AGENTS_IMAGE,
    installs: ['aider'],
    command: 'aider',
    env: {},
    secrets: [
      { anyOf: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY'], optional: false, help: 'A key for the model provider aider should use.' },
    ],
    namePrefix: 'aider',
    limits: noLimits,
    network: settingsDefault,
    status: 'tmux',
  },
  {
    id: 'opencode',
    name: 'opencode',
    description: 'opencode, a terminal coding agent for many model providers.',
    image: AGENTS_IMAGE,
    installs: ['opencode'],
    command: 'opencode',
    env: {},
    secrets: [
      { anyOf: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY'], optional: true, help: 'A key for a model provider; or sign in with `opencode auth login`.' },
    ],
    namePrefix: 'opencode',
    limits: noLimits,
    network: settingsDefault,
    status: 'tmux',
  },
  {
    id: 'gemini',
    name: 'Gemini CLI',
    description: "Google's Gemini CLI. Uses GEMINI_API_KEY from aistudio.google.com.",
    image: AGENTS_IMAGE,
    installs: ['gemini'],
    command: 'gemini',
    env: {},
    secrets: [{ anyOf: ['GEMINI_API_KEY'], optional: false, help: 'An API key from aistudio.google.com.' }],
    namePrefix: 'gemini',
    limits: noLimits,
    network: https('generativelanguage.googleapis.com', 'oauth2.googleapis.com', 'cloudcode-pa.googleapis.com'),
    status: 'tmux',
  },
  {
    id: 'custom',
    name: 'Custom command',
    description: 'Any command line you give, in tmux on the base image.',
    image: 'enclave-agent',
    installs: [],
    command: 'bash -l',
    env: {},
    secrets: [],
    namePrefix: 'agent',
    limits: noLimits,
    network: settingsDefault,
    status: 'tmux',
  },
];
