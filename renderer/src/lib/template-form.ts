/**
 * The template editor's form: a template as rows and text fields, back to an AgentTemplate,
 * and every problem keyed by the field it belongs to. Checked with shared/templates.ts
 * templateSchema, the rule the backend applies again on save.
 */
import { AGENT_CLIS, templateSchema, type AgentCli, type AgentTemplate, type StatusSource } from '../../../shared/templates.js';
import type { AgentLimits } from '../../../shared/types.js';
import { type NetworkDraft, draftFromPolicy, draftValid as networkValid, policyFromDraft } from './network-form.js';

export interface EnvRowDraft {
  id: number;
  name: string;
  value: string;
}

export interface SecretRowDraft {
  id: number;
  /** "ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN": any one of them will do. */
  names: string;
  optional: boolean;
  help: string;
}

export interface TemplateDraft {
  id: string;
  name: string;
  description: string;
  image: string;
  installs: AgentCli[];
  command: string;
  env: EnvRowDraft[];
  secrets: SecretRowDraft[];
  namePrefix: string;
  /** '' = the setting's default for that resource. */
  limits: AgentLimits;
  network: NetworkDraft;
  /** Use Settings' default network instead of `network`. */
  networkDefault: boolean;
  status: StatusSource;
}

/**
 * Problems by field: 'id', 'name', …, 'limits.cpu', 'env.<row id>', 'secrets.<row id>', and
 * 'env' / 'secrets' / 'network' for the list as a whole.
 */
export type TemplateProblems = Record<string, string>;

let nextRow = 1;

export function envRow(name = '', value = ''): EnvRowDraft {
  return { id: nextRow++, name, value };
}

export function secretRow(names = '', optional = false, help = ''): SecretRowDraft {
  return { id: nextRow++, names, optional, help };
}

export function draftFromTemplate(t: AgentTemplate): TemplateDraft {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    image: t.image,
    installs: [...t.installs],
    command: t.command,
    env: Object.entries(t.env).map(([name, value]) => envRow(name, value)),
    secrets: t.secrets.map((s) => secretRow(s.anyOf.join(', '), s.optional, s.help)),
    namePrefix: t.namePrefix,
    limits: { ...t.limits },
    network: draftFromPolicy(t.network ?? { mode: 'restricted', allow: [], ingress: '', egress: '' }),
    networkDefault: t.network === null,
    status: t.status,
  };
}

export const BLANK_TEMPLATE: AgentTemplate = {
  id: '',
  name: '',
  description: '',
  image: 'enclave-agent',
  installs: [],
  command: '',
  env: {},
  secrets: [],
  namePrefix: 'agent',
  limits: { cpu: '', memory: '', processes: '', disk: '' },
  network: null,
  status: 'tmux',
};

export function splitNames(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((n) => n.trim())
    .filter(Boolean);
}

/** The template the draft stands for (rows trimmed); check it with templateProblems first. */
export function templateFromDraft(d: TemplateDraft): AgentTemplate {
  return {
    id: d.id.trim(),
    name: d.name.trim(),
    description: d.description.trim(),
    image: d.image.trim(),
    installs: AGENT_CLIS.filter((cli) => d.installs.includes(cli)),
    command: d.command.trim(),
    env: Object.fromEntries(d.env.map((row) => [row.name.trim(), row.value])),
    secrets: d.secrets.map((row) => ({ anyOf: splitNames(row.names), optional: row.optional, help: row.help.trim() })),
    namePrefix: d.namePrefix.trim(),
    limits: { cpu: d.limits.cpu.trim(), memory: d.limits.memory.trim(), processes: d.limits.processes.trim(), disk: d.limits.disk.trim() },
    network: d.networkDefault ? null : policyFromDraft(d.network),
    status: d.status,
  };
}

/** Every problem of the draft, one message per field, the first zod gives for it. */
export function templateProblems(d: TemplateDraft, builtinIds: readonly string[]): TemplateProblems {
  const problems: TemplateProblems = {};
  const add = (key: string, message: string) => {
    if (!(key in problems)) problems[key] = message;
  };
  const seen = new Map<string, number>();
  for (const row of d.env) {
    const name = row.name.trim();
    if (name === '') add(`env.${row.id}`, 'Enter a variable name, or remove this row.');
    else if (seen.has(name)) add(`env.${row.id}`, `${name} is listed twice.`);
    else seen.set(name, row.id);
  }
  for (const row of d.secrets) if (splitNames(row.names).length === 0) add(`secrets.${row.id}`, 'Name at least one secret, or remove this row.');
  if (!d.networkDefault && !networkValid(d.network)) add('network', 'Fix the marked network field.');
  if (builtinIds.includes(d.id.trim())) add('id', `"${d.id.trim()}" is a built-in template's id; give this one another id.`);

  const parsed = templateSchema.safeParse(templateFromDraft(d));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [head, second] = issue.path;
      if (head === 'env' && typeof second === 'string') {
        const row = seen.get(second);
        add(row !== undefined ? `env.${row}` : 'env', issue.message);
      } else if (head === 'secrets' && typeof second === 'number') {
        const row = d.secrets[second];
        add(row ? `secrets.${row.id}` : 'secrets', issue.message);
      } else if (head === 'limits' && typeof second === 'string') {
        add(`limits.${second}`, issue.message);
      } else if (head === 'network') {
        add('network', issue.message);
      } else {
        add(typeof head === 'string' ? head : '', issue.message);
      }
    }
  }
  return problems;
}

/** A copy to edit: a free id and name ("claude-code-copy", "Claude Code (copy)"). */
export function duplicateOf(t: AgentTemplate, takenIds: readonly string[]): AgentTemplate {
  const base = `${t.id}`.slice(0, 33);
  let id = `${base}-copy`;
  for (let n = 2; takenIds.includes(id); n++) id = `${base}-copy-${n}`;
  return { ...structuredClone(t), id, name: `${t.name} (copy)`.slice(0, 80) };
}

/** An id for a new template from its name: "My agent" → "my-agent". */
export function idFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug;
}
