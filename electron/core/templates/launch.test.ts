import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envScript, shQuote, tmuxNewSessionArgs } from './launch.js';

describe('envScript', () => {
  it('quotes every value so sh reads it back exactly', () => {
    const env = { A: "it's $HOME `id` \\n \"q\"", B: '', C: 'x'.repeat(3000) };
    const out = execFileSync('sh', ['-c', 'eval "$(cat)"; printf "%s\\0%s\\0%s" "$A" "$B" "$C"'], { input: envScript(env) }).toString();
    expect(out.split('\0')).toEqual([env.A, env.B, env.C]);
  });
  it('refuses a name that would be a shell word of its own', () => {
    expect(() => envScript({ 'A;rm': 'x' })).toThrow(/environment variable name/);
    expect(() => envScript({ PATH: 'x' })).toThrow(/set by Enclave/);
  });
  it('shQuote closes and reopens around a quote', () => {
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe('tmuxNewSessionArgs', () => {
  it('names variables, never values, and keeps the dead pane', () => {
    const line = tmuxNewSessionArgs('agent', { ANTHROPIC_API_KEY: 'sk-secret' }, true);
    expect(line).not.toContain('sk-secret');
    expect(line).toContain('-e "ANTHROPIC_API_KEY=$ANTHROPIC_API_KEY"');
    expect(line).toContain(`(eval "$1"); s=$?`);
    expect(line).toContain('enclave "$2"');
    expect(line).toMatch(/\\; set-option -w remain-on-exit on$/);
    expect(tmuxNewSessionArgs('agent', {}, false)).not.toContain('bash -lc');
    // A plain shell's session ends when the shell does.
    expect(tmuxNewSessionArgs('agent', {}, false)).not.toContain('remain-on-exit');
  });
});
