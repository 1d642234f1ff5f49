import { describe, expect, it } from 'vitest';
import { builderPolicy, defaultImageVersion, imageAliasProblem, imageVersionProblem, provisionScript } from './images.js';

describe('agent image rules', () => {
  it('accepts aliases and versions by their rules, with a message naming the rule', () => {
    expect(imageAliasProblem('enclave-agents')).toBeNull();
    expect(imageAliasProblem('has space')).toMatch(/An image alias is/);
    expect(imageAliasProblem('-dash')).toMatch(/starting with a letter or digit/);
    expect(imageAliasProblem('0123456789abcdef')).toMatch(/looks like a fingerprint/);
    expect(imageVersionProblem('2026.12.01-2231')).toBeNull();
    expect(imageVersionProblem('1.0+build')).toBeNull();
    expect(imageVersionProblem('')).toMatch(/A version is/);
    expect(imageVersionProblem('a/b')).toMatch(/A version is/);
  });

  it('makes a version from the UTC date and minute', () => {
    expect(defaultImageVersion(new Date('2026-03-04T05:06:59Z'))).toBe('2026.03.04-0506');
  });

  it("lets the builder reach Debian's archive and npm, and PyPI only for Aider", () => {
    expect(builderPolicy(['claude-code']).allow).toEqual([
      { host: 'deb.debian.org', ports: [80, 443] },
      { host: 'security.debian.org', ports: [80, 443] },
      { host: 'registry.npmjs.org', ports: [443] },
    ]);
    expect(builderPolicy(['aider']).allow.map((a) => a.host)).toEqual(['deb.debian.org', 'security.debian.org', 'registry.npmjs.org', 'pypi.org', 'files.pythonhosted.org']);
    expect(builderPolicy([]).mode).toBe('allowlist');
  });

  it('installs tmux, git, Node.js LTS and the chosen CLIs from their packages', () => {
    const s = provisionScript(['claude-code', 'codex', 'gemini', 'opencode']);
    expect(s).toMatch(/^#!\/bin\/bash\n/);
    expect(s).toContain('set -euo pipefail');
    expect(s).toMatch(/apt-get install -y --no-install-recommends ca-certificates tmux git nodejs npm\n/);
    expect(s).toContain('npm install -g --no-fund --no-audit node@22');
    expect(s).toContain('npm install -g --no-fund --no-audit @anthropic-ai/claude-code @openai/codex @google/gemini-cli opencode-ai');
    expect(s).not.toContain('pipx');
    expect(s).not.toMatch(/nodejs\.org|curl|wget/);
    const aider = provisionScript(['aider']);
    expect(aider).toContain('pipx install aider-chat');
    expect(aider).not.toContain('npm install -g --no-fund --no-audit @');
  });
});
