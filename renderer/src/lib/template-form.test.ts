import { describe, expect, it } from 'vitest';
import type { AgentTemplate } from '../../../shared/templates.js';
import { BLANK_TEMPLATE, draftFromTemplate, duplicateOf, envRow, idFromName, secretRow, templateFromDraft, templateProblems } from './template-form.js';

const t: AgentTemplate = {
  ...BLANK_TEMPLATE,
  id: 'my-agent',
  name: 'My agent',
  command: 'my-agent --yes',
  env: { MODE: 'fast' },
  secrets: [{ anyOf: ['MY_KEY', 'MY_TOKEN'], optional: false, help: 'From the vendor' }],
  namePrefix: 'mine',
  limits: { cpu: '2', memory: '', processes: '', disk: '' },
};

describe('the template form', () => {
  it('round-trips a template', () => {
    expect(templateFromDraft(draftFromTemplate(t))).toEqual(t);
    expect(templateProblems(draftFromTemplate(t), ['shell'])).toEqual({});
  });

  it('names each bad field with its own message', () => {
    const d = draftFromTemplate(t);
    const bad = { ...d, id: 'Bad Id', name: ' ', image: '', command: 'a\nb', namePrefix: '9x', limits: { ...d.limits, memory: 'lots' } };
    const p = templateProblems(bad, []);
    expect(p.id).toContain('A template id is');
    expect(p.name).toBe('A template has a name.');
    expect(p.image).toBe('A template names its image.');
    expect(p.command).toContain('one line');
    expect(p.namePrefix).toContain('A name prefix is');
    expect(p['limits.memory']).toBeDefined();
  });

  it('puts environment and secret problems on their rows', () => {
    const d = draftFromTemplate(t);
    const dup = envRow('MODE', 'slow');
    const reserved = envRow('PATH', '/x');
    const empty = secretRow('');
    const clash = secretRow('MODE');
    const p = templateProblems({ ...d, env: [...d.env, dup, reserved], secrets: [...d.secrets, empty, clash] }, []);
    expect(p[`env.${dup.id}`]).toBe('MODE is listed twice.');
    expect(p[`env.${reserved.id}`]).toBe('PATH is set by Enclave and tmux; a template cannot set it.');
    expect(p[`secrets.${empty.id}`]).toBe('Name at least one secret, or remove this row.');
    // A name both plain and secret: zod reports it on the variable.
    expect(p[`env.${d.env[0]?.id}`]).toContain('MODE is a secret');
  });

  it("refuses a built-in's id and a bad network row", () => {
    const d = draftFromTemplate({ ...t, id: 'shell' });
    expect(templateProblems(d, ['shell']).id).toContain('built-in');
    const net = { ...d, id: 'x', networkDefault: false, network: { mode: 'allowlist' as const, allow: [{ id: 99, host: '', ports: '' }], ingress: '', egress: '' } };
    expect(templateProblems(net, []).network).toBe('Fix the marked network field.');
  });

  it('duplicates to a free id and a "(copy)" name', () => {
    expect(duplicateOf(t, ['my-agent']).id).toBe('my-agent-copy');
    expect(duplicateOf(t, ['my-agent', 'my-agent-copy']).id).toBe('my-agent-copy-2');
    expect(duplicateOf(t, []).name).toBe('My agent (copy)');
    expect(duplicateOf(t, []).secrets).toEqual(t.secrets);
  });

  it('derives an id from a name', () => {
    expect(idFromName('My Agent 2!')).toBe('my-agent-2');
    expect(idFromName('42 things')).toBe('things');
  });
});
