/**
 * Fault: bad input over the whole contract, through `dispatch` against a real Backend (on the
 * spare daemon). For every method in shared/api.ts `requests`, calls are generated from its
 * zod schema: a valid-looking base, then each required field missing, an extra field, each
 * field wrong-typed, oversized (strings and arrays past their max; a 70 KiB body) and hostile
 * values (paths, NUL and control characters, prototype keys, NaN/Infinity/1e308/-1, long
 * unicode). Each gets its specific code — invalid-arguments or too-large where the schema or
 * the size refuses it — and never `internal`, never a throw; the backend answers after.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { requests, type Reply } from '../../shared/api.js';
import type { ConnectionStatus } from '../../shared/types.js';
import { dispatch } from '../transport/dispatch.js';
import { spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { ok } from '../test-support/terminal-link.js';
import { useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'bad input over the whole contract';
if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string>;
  checks?: { _zod: { def: { check: string; maximum?: number; value?: number } } }[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps optional/nullable; says whether the field may be left out. */
function unwrap(s: z.ZodType): { core: z.ZodType; optional: boolean; nullable: boolean } {
  let core = s;
  let optional = false;
  let nullable = false;
  for (;;) {
    const d = defOf(core);
    if (d.type === 'optional') optional = true;
    else if (d.type === 'nullable') nullable = true;
    else return { core, optional, nullable };
    core = d.innerType as z.ZodType;
  }
}
const maxOf = (s: z.ZodType): number | undefined => defOf(s).checks?.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum;

/** A plausible value of the schema's type (not necessarily valid: names go through rules). */
function sample(s: z.ZodType): unknown {
  const { core } = unwrap(s);
  const d = defOf(core);
  switch (d.type) {
    case 'string':
      return 'a';
    case 'number':
      return 2;
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(d.entries ?? {})[0];
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(Object.entries(d.shape ?? {}).filter(([, v]) => !unwrap(v).optional).map(([k, v]) => [k, sample(v)]));
    case 'custom':
      return new Uint8Array([97]);
    default:
      return null;
  }
}

/** A value of another type than the schema's. */
function wrongTyped(s: z.ZodType): unknown[] {
  const t = defOf(unwrap(s).core).type;
  const all: Record<string, unknown> = { string: 'a', number: 7, boolean: false, array: [1], object: { a: 1 }, custom: new Uint8Array(1) };
  return Object.entries(all).filter(([k]) => k !== t && !(t === 'enum' && k === 'string')).map(([, v]) => v);
}

const HOSTILE_STRINGS = [
  '../../etc/passwd',
  'a\u0000b',
  '\u0001\u001b[31m\u007f\r\n',
  '__proto__',
  '𝔘𝔫𝔦'.repeat(4000),
  '',
  ' ',
];
const HOSTILE_NUMBERS = [NaN, Infinity, -Infinity, 1e308, -1, 0.5, 2 ** 53];

interface Case {
  method: string;
  what: string;
  args: unknown;
  /** The code the schema or the size rule must give; null: anything but internal. */
  expect: 'invalid-arguments' | 'too-large' | null;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [method, spec] of Object.entries(requests)) {
    const schema = spec.args as z.ZodType;
    const shape = defOf(schema).shape ?? {};
    const base = sample(schema) as Record<string, unknown>;
    const add = (what: string, args: unknown, expectCode: Case['expect']) => out.push({ method, what, args, expect: expectCode });
    add('an extra field', { ...base, extra: 1 }, 'invalid-arguments');
    add('a __proto__ key', JSON.parse(`{"__proto__": {"polluted": 1}, ${JSON.stringify(base).slice(1)}`.replace(/, }$/, '}')), null);
    add('a constructor key', { ...base, constructor: { prototype: { polluted: 1 } } }, 'invalid-arguments');
    add('not an object', 'just a string', 'invalid-arguments');
    add('an array', [base], 'invalid-arguments');
    add('a 70 KiB body', { ...base, pad: 'x'.repeat(70 * 1024) }, 'too-large');
    for (const [key, field] of Object.entries(shape)) {
      const { core, optional, nullable } = unwrap(field);
      const d = defOf(core);
      if (!optional) {
        const { [key]: _gone, ...rest } = base;
        add(`${key} missing`, rest, 'invalid-arguments');
      }
      for (const v of wrongTyped(field)) add(`${key} as ${Array.isArray(v) ? 'array' : typeof v}`, { ...base, [key]: v }, 'invalid-arguments');
      if (!nullable) add(`${key} null`, { ...base, [key]: null }, 'invalid-arguments');
      if (d.type === 'string') {
        const max = maxOf(core);
        if (max !== undefined) add(`${key} past its max ${max}`, { ...base, [key]: 'a'.repeat(max + 1) }, 'invalid-arguments');
        for (const h of HOSTILE_STRINGS) add(`${key} = ${JSON.stringify(h.slice(0, 20))}`, { ...base, [key]: h }, null);
      }
      if (d.type === 'number') for (const n of HOSTILE_NUMBERS) add(`${key} = ${n}`, { ...base, [key]: n }, null);
      if (d.type === 'enum') add(`${key} not among its values`, { ...base, [key]: '../x' }, 'invalid-arguments');
      if (d.type === 'array') {
        const max = maxOf(core);
        if (max !== undefined) add(`${key} past its max ${max}`, { ...base, [key]: Array.from({ length: max + 1 }, () => sample(defOf(core).element as z.ZodType)) }, 'invalid-arguments');
        add(`${key} holding hostile values`, { ...base, [key]: [null, '__proto__', NaN, {}] }, 'invalid-arguments');
      }
      if (d.type === 'custom') {
        add(`${key} past 64 KiB of bytes`, { ...base, [key]: new Uint8Array(64 * 1024 + 1) }, 'too-large');
        add(`${key} as text`, { ...base, [key]: 'text' }, 'invalid-arguments');
      }
    }
  }
  return out;
}

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig();

  it('gives every bad call of every method its specific error, never internal', async () => {
    const settingsBefore = await rig.backend.settings.get();
    const all = cases();
    expect(all.length).toBeGreaterThan(400);
    const wrong: string[] = [];
    const codes = new Map<string, number>();
    for (const c of all) {
      let reply: Reply;
      try {
        reply = await dispatch(rig.backend.handlers, c.method, c.args);
      } catch (err) {
        wrong.push(`${c.method} (${c.what}): threw ${String(err)}`);
        continue;
      }
      const code = reply.ok ? 'ok' : reply.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (!reply.ok && (reply.error.code === 'internal' || !reply.error.message)) wrong.push(`${c.method} (${c.what}): ${code} ${reply.error.message}`);
      else if (c.expect && code !== c.expect) wrong.push(`${c.method} (${c.what}): expected ${c.expect}, got ${code}${reply.ok ? '' : ` ${reply.error.message.slice(0, 120)}`}`);
    }
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Hostile but valid settings may have been stored; the store still reads back whole.
    const after = await rig.backend.settings.get();
    expect(Object.keys(after).sort()).toEqual(Object.keys(settingsBefore).sort());
    expect(ok<ConnectionStatus>(await dispatch(rig.backend.handlers, 'system.status', {})).state).toBe('connected');
  });
});
