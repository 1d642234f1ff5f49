import { mkdtemp, readFile, rm, writeFile, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { templateSchema, missingSecrets, type AgentTemplate } from '../../../shared/templates.js';
import { BUILTIN_TEMPLATES } from './builtin.js';
import { TemplateRefused, TemplateStore, suggestName } from './store.js';

const mine: AgentTemplate = {
  id: 'my-tool',
  name: 'My tool',
  description: '',
  image: 'enclave-agent',
  installs: [],
  command: 'my-tool --watch',
  env: { MODE: 'fast' },
  secrets: [{ anyOf: ['MY_TOKEN'], optional: false, help: '' }],
  namePrefix: 'tool',
  limits: { cpu: '1', memory: '1GiB', processes: '', disk: '' },
  network: { mode: 'restricted', allow: [], ingress: '', egress: '' },
  status: 'tmux',
};

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-templates-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('built-in templates', () => {
  it('all pass the schema a user template must pass', () => {
    for (const t of BUILTIN_TEMPLATES) expect(templateSchema.safeParse(t).error?.issues ?? [], t.id).toEqual([]);
  });
  it('include the CLIs the product promises, each with its own id and prefix', () => {
    expect(BUILTIN_TEMPLATES.map((t) => t.id)).toEqual(['shell', 'claude-code', 'codex', 'aider', 'opencode', 'gemini', 'custom']);
    expect(new Set(BUILTIN_TEMPLATES.map((t) => t.namePrefix)).size).toBe(BUILTIN_TEMPLATES.length);
  });
  it('Claude Code takes an API key or a long-lived OAuth token', () => {
    const claude = BUILTIN_TEMPLATES.find((t) => t.id === 'claude-code')!;
    expect(missingSecrets(claude, new Set())).toHaveLength(1);
    expect(missingSecrets(claude, new Set(['CLAUDE_CODE_OAUTH_TOKEN']))).toEqual([]);
    expect(missingSecrets(claude, new Set(['ANTHROPIC_API_KEY']))).toEqual([]);
  });
});

describe('TemplateStore', () => {
  it('lists the built-ins when the folder does not exist yet', async () => {
    const store = new TemplateStore(join(dir, 'templates'));
    const { templates, errors } = await store.list();
    expect(errors).toEqual([]);
    expect(templates.every((t) => t.builtin)).toBe(true);
  });

  it('saves a template as readable JSON only its user can read, and lists it', async () => {
    const store = new TemplateStore(join(dir, 'templates'));
    await store.save(mine);
    const path = join(dir, 'templates', 'my-tool.json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(mine);
    expect((await stat(path)).mode & 0o077).toBe(0);
    expect((await store.get('my-tool'))?.builtin).toBe(false);
  });

  it('a broken file is an error naming the file and field; the rest still load', async () => {
    const store = new TemplateStore(dir);
    await store.save(mine);
    await writeFile(join(dir, 'bad-limits.json'), JSON.stringify({ ...mine, id: 'bad-limits', limits: { ...mine.limits, memory: 'lots' } }));
    await writeFile(join(dir, 'nonsense.json'), '{"id": "nonsense", ');
    await writeFile(join(dir, 'wrong-name.json'), JSON.stringify({ ...mine, id: 'other' }));
    await writeFile(join(dir, 'env.json'), JSON.stringify({ ...mine, id: 'env', env: { PATH: '/tmp' } }));
    const { templates, errors } = await store.list();
    expect(templates.map((t) => t.id)).toContain('my-tool');
    const byFile = Object.fromEntries(errors.map((e) => [e.file.slice(dir.length + 1), e]));
    expect(byFile['bad-limits.json']).toMatchObject({ field: 'limits.memory' });
    expect(byFile['bad-limits.json']?.message).toMatch(/Memory/);
    expect(byFile['nonsense.json']).toMatchObject({ field: '' });
    expect(byFile['nonsense.json']?.message).toMatch(/^Not valid JSON/);
    expect(byFile['wrong-name.json']).toMatchObject({ field: 'id' });
    expect(byFile['env.json']).toMatchObject({ field: 'env.PATH' });
    expect(byFile['env.json']?.message).toBe('PATH is set by Enclave and tmux; a template cannot set it.');
    expect(errors).toHaveLength(4);
  });

  it('a file with a built-in id, a wrong type or an unknown field is refused with its field', async () => {
    const store = new TemplateStore(dir);
    await writeFile(join(dir, 'shell.json'), JSON.stringify({ ...mine, id: 'shell' }));
    await writeFile(join(dir, 'x.json'), JSON.stringify({ ...mine, id: 'x', command: 42 }));
    await writeFile(join(dir, 'y.json'), JSON.stringify({ ...mine, id: 'y', extra: true }));
    await mkdir(join(dir, 'dir.json'));
    const { errors } = await store.list();
    expect(errors.map((e) => [e.file.slice(dir.length + 1), e.field])).toEqual([
      ['dir.json', ''],
      ['shell.json', 'id'],
      ['x.json', 'command'],
      ['y.json', ''],
    ]);
  });

  it('refuses to change or delete a built-in, and to delete a template that is not there', async () => {
    const store = new TemplateStore(dir);
    await expect(store.save({ ...mine, id: 'claude-code' })).rejects.toBeInstanceOf(TemplateRefused);
    await expect(store.delete('shell')).rejects.toThrow(/built-in/);
    await expect(store.delete('nope')).rejects.toThrow(/no template "nope"/);
    await store.save(mine);
    await store.delete('my-tool');
    expect(await store.get('my-tool')).toBeNull();
  });
});

describe('templateSchema', () => {
  it('names the field of each problem', () => {
    const problems = (t: unknown) => templateSchema.safeParse(t).error?.issues.map((i) => i.path.join('.'));
    expect(problems({ ...mine, command: 'a\nb' })).toEqual(['command']);
    expect(problems({ ...mine, env: { '1X': 'a' } })).toEqual(['env.1X']);
    expect(problems({ ...mine, env: { MY_TOKEN: 'a' } })).toEqual(['env.MY_TOKEN']);
    expect(problems({ ...mine, secrets: [{ anyOf: [], optional: false, help: '' }] })).toEqual(['secrets.0.anyOf']);
    expect(problems({ ...mine, network: { mode: 'allowlist', allow: [], ingress: '', egress: '' } })).toEqual(['network.allow']);
    expect(problems({ ...mine, network: { mode: 'allowlist', allow: [{ host: 'exa mple', ports: [443] }], ingress: '', egress: '' } })).toEqual(['network.allow.0.host']);
    expect(problems({ ...mine, namePrefix: 'Claude' })).toEqual(['namePrefix']);
    expect(problems({ ...mine, status: 'magic' })).toEqual(['status']);
  });
});

describe('suggestName', () => {
  it('numbers from 1 and fills the first gap', () => {
    expect(suggestName('claude', [])).toBe('claude-1');
    expect(suggestName('claude', ['claude-1', 'claude-2', 'codex-1'])).toBe('claude-3');
    expect(suggestName('claude', ['claude-2'])).toBe('claude-1');
  });
});
