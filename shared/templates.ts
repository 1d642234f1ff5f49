/**
 * Agent templates: what runs in an agent's tmux session, on which image, with which
 * environment, secrets, limits and network policy, and how its status is read. Built-in
 * ones ship with Enclave; a user's own live as one JSON file each in the config folder.
 */
import { z } from 'zod';
import { LIMIT_PROBLEMS } from './limits.js';
import { networkPolicy } from './network-schema.js';
import type { AgentLimits, NetworkPolicy } from './types.js';

/** How an agent's status (working / waiting / idle / exited) is read. */
export type StatusSource = 'tmux' | 'claude-code-hooks';
export const STATUS_SOURCES: readonly StatusSource[] = ['tmux', 'claude-code-hooks'];

/** The agent CLIs the built-in provision script knows how to install. */
export type AgentCli = 'claude-code' | 'codex' | 'aider' | 'opencode' | 'gemini';
export const AGENT_CLIS: readonly AgentCli[] = ['claude-code', 'codex', 'aider', 'opencode', 'gemini'];

/** Secrets a template needs: at least one of `anyOf` must be set, unless optional. */
export interface SecretRequirement {
  anyOf: string[];
  optional: boolean;
  /** One line for the wizard: where the value comes from. */
  help: string;
}

export interface AgentTemplate {
  /** Its file name without .json, and how agents refer to it (user.enclave.template). */
  id: string;
  name: string;
  description: string;
  /** Image alias (or fingerprint) agents are created from. */
  image: string;
  /** The CLIs an image built for this template installs (the image builder's default choice). */
  installs: AgentCli[];
  /** Run by bash in the agent's tmux session at every start; '' = a login shell. */
  command: string;
  /** Plain (non-secret) environment of the command. */
  env: Record<string, string>;
  secrets: SecretRequirement[];
  /** Suggested agent names are this plus a number: claude-1, claude-2. */
  namePrefix: string;
  /** Limits new agents get ('' = the setting's default for that resource). */
  limits: AgentLimits;
  /** null: the default network of new agents (Settings), whatever it is when the agent is made. */
  network: NetworkPolicy | null;
  status: StatusSource;
}

export interface TemplateInfo extends AgentTemplate {
  builtin: boolean;
}

/** A template file that did not load, named by file and field. */
export interface TemplateError {
  file: string;
  /** The field path ("limits.memory"), or '' for the whole file. */
  field: string;
  message: string;
}

export interface TemplateList {
  templates: TemplateInfo[];
  errors: TemplateError[];
}

export const TEMPLATE_ID_RULE = 'A template id is 1 to 40 lowercase letters, digits and dashes, starting with a letter.';
export const ENV_NAME_RULE = 'An environment variable name is letters, digits and _, not starting with a digit (at most 128).';
export const NAME_PREFIX_RULE = 'A name prefix is 1 to 40 lowercase letters, digits and dashes, starting with a letter.';
/** Names the tmux session and the agent's own environment depend on; a template may not set them. */
export const RESERVED_ENV = ['HOME', 'PATH', 'TERM', 'TMUX', 'TMUX_PANE', 'SHELL', 'USER', 'LOGNAME', 'PWD'] as const;
export const MAX_ENV = 64;
export const MAX_SECRETS = 16;
export const MAX_COMMAND = 4096;
export const MAX_ENV_VALUE = 4096;

const TEMPLATE_ID = /^[a-z][a-z0-9-]{0,39}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function envNameProblem(name: string): string | null {
  if (!ENV_NAME.test(name)) return `"${name.slice(0, 40)}": ${ENV_NAME_RULE}`;
  if ((RESERVED_ENV as readonly string[]).includes(name)) return `${name} is set by Enclave and tmux; a template cannot set it.`;
  return null;
}

const envName = z.string().superRefine((v, ctx) => {
  const p = envNameProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});
const limitField = (key: keyof AgentLimits) =>
  z.string().superRefine((v, ctx) => {
    const p = v === '' ? null : LIMIT_PROBLEMS[key](v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const templateSchema = z
  .object({
    id: z.string().regex(TEMPLATE_ID, TEMPLATE_ID_RULE),
    name: z.string().trim().min(1, 'A template has a name.').max(80, 'A template name is at most 80 characters.'),
    description: z.string().max(1024, 'A description is at most 1024 characters.'),
    image: z
      .string()
      .min(1, 'A template names its image.')
      .max(256, 'An image alias or fingerprint is at most 256 characters.')
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/:-]*$/, 'An image is named by its alias or fingerprint (letters, digits, . _ / : -).'),
    installs: z.array(z.enum(AGENT_CLIS as [AgentCli, ...AgentCli[]], { message: `A CLI is one of ${AGENT_CLIS.join(', ')}.` })).max(AGENT_CLIS.length),
    command: z
      .string()
      .max(MAX_COMMAND, `A command is at most ${MAX_COMMAND} characters.`)
      .refine((c) => !/[\0\r\n]/.test(c), 'A command is one line (no line breaks or NUL); put longer scripts in the image.'),
    // Keys checked here, not by a key schema: zod reports a bad key only as "Invalid key in record".
    env: z
      .record(z.string(), z.string().max(MAX_ENV_VALUE, `A value is at most ${MAX_ENV_VALUE} characters.`).refine((v) => !v.includes('\0'), 'A value has no NUL.'))
      .superRefine((e, ctx) => {
        for (const name of Object.keys(e)) {
          const p = envNameProblem(name);
          if (p) ctx.addIssue({ code: 'custom', path: [name], message: p });
        }
      })
      .refine((e) => Object.keys(e).length <= MAX_ENV, `At most ${MAX_ENV} environment variables.`),
    secrets: z
      .array(
        z
          .object({
            anyOf: z.array(envName).min(1, 'A secret requirement names at least one secret.').max(4),
            optional: z.boolean(),
            help: z.string().max(300, 'Help is at most 300 characters.'),
          })
          .strict(),
      )
      .max(MAX_SECRETS, `At most ${MAX_SECRETS} secrets.`),
    namePrefix: z.string().regex(TEMPLATE_ID, NAME_PREFIX_RULE),
    limits: z
      .object({ cpu: limitField('cpu'), memory: limitField('memory'), processes: limitField('processes'), disk: limitField('disk') })
      .strict(),
    network: networkPolicy.nullable(),
    status: z.enum(STATUS_SOURCES as [StatusSource, ...StatusSource[]], { message: `Status is read by ${STATUS_SOURCES.join(' or ')}.` }),
  })
  .strict()
  .superRefine((t, ctx) => {
    const secretNames = new Set(t.secrets.flatMap((s) => s.anyOf));
    for (const name of Object.keys(t.env)) {
      if (secretNames.has(name)) ctx.addIssue({ code: 'custom', path: ['env', name], message: `${name} is a secret; it cannot also be a plain variable.` });
    }
  });

/** The names of every secret a template can use. */
export function secretNames(t: Pick<AgentTemplate, 'secrets'>): string[] {
  return [...new Set(t.secrets.flatMap((s) => s.anyOf))];
}

/** The requirements that the given set of stored secret names leaves unmet, as sentences. */
export function missingSecrets(t: Pick<AgentTemplate, 'secrets' | 'name'>, stored: ReadonlySet<string>): string[] {
  return t.secrets
    .filter((s) => !s.optional && !s.anyOf.some((n) => stored.has(n)))
    .map((s) =>
      s.anyOf.length === 1
        ? `${t.name} needs the secret ${s.anyOf[0]}; set it in Settings → Secrets.`
        : `${t.name} needs one of the secrets ${s.anyOf.join(' or ')}; set one in Settings → Secrets.`,
    );
}

/** The first free name `prefix-N` (N from 1) among the given agent names: claude-1, claude-2. */
export function suggestName(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}
