import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { templateSchema, type AgentTemplate, type TemplateError, type TemplateInfo, type TemplateList } from '../../../shared/templates.js';
import { BUILTIN_TEMPLATES } from './builtin.js';

/** A template file larger than this is not a template. */
const MAX_FILE_BYTES = 256 * 1024;
const MAX_FILES = 500;

/** Why a save or delete was refused, said to the user as it is. */
export class TemplateRefused extends Error {}

/** The first problem zod found, as file + field + message. */
export function templateError(file: string, error: z.ZodError): TemplateError {
  const issue = error.issues[0];
  return { file, field: issue ? issue.path.map(String).join('.') : '', message: issue?.message ?? 'Not a template.' };
}

/**
 * The user's templates: one readable JSON file per template in `dir` (the config folder's
 * templates/), plus the built-ins. Every load reads the folder again, so a file edited by
 * hand shows at the next list; a broken file is an error entry and the rest still load.
 */
export class TemplateStore {
  private writes = 0;
  /** The last read, reused for a second: the status reader asks for every agent every round. */
  private recent: { at: number; list: Promise<TemplateList> } | null = null;

  constructor(readonly dir: string) {}

  list(): Promise<TemplateList> {
    const now = Date.now();
    if (this.recent && now - this.recent.at < 1_000) return this.recent.list.then((l) => structuredClone(l));
    const list = this.readAll();
    this.recent = { at: now, list };
    return list.then((l) => structuredClone(l));
  }

  private async readAll(): Promise<TemplateList> {
    const templates: TemplateInfo[] = BUILTIN_TEMPLATES.map((t) => ({ ...structuredClone(t), builtin: true }));
    const errors: TemplateError[] = [];
    let names: string[] = [];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors.push({ file: this.dir, field: '', message: `The templates folder cannot be read: ${(err as Error).message}` });
    }
    if (names.length > MAX_FILES) {
      errors.push({ file: this.dir, field: '', message: `${names.length} template files; only the first ${MAX_FILES} are read.` });
      names = names.slice(0, MAX_FILES);
    }
    for (const file of names) {
      const loaded = await this.read(file);
      if ('template' in loaded) templates.push({ ...loaded.template, builtin: false });
      else errors.push(loaded.error);
    }
    return { templates, errors };
  }

  async get(id: string): Promise<TemplateInfo | null> {
    const { templates } = await this.list();
    return templates.find((t) => t.id === id) ?? null;
  }

  private async read(file: string): Promise<{ template: AgentTemplate } | { error: TemplateError }> {
    const path = join(this.dir, file);
    let text: string;
    try {
      const buf = await readFile(path);
      if (buf.byteLength > MAX_FILE_BYTES) return { error: { file: path, field: '', message: `The file is ${buf.byteLength} bytes; a template is at most ${MAX_FILE_BYTES}.` } };
      text = buf.toString('utf8');
    } catch (err) {
      return { error: { file: path, field: '', message: `The file cannot be read: ${(err as Error).message}` } };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return { error: { file: path, field: '', message: `Not valid JSON: ${(err as Error).message}` } };
    }
    const parsed = templateSchema.safeParse(raw);
    if (!parsed.success) return { error: templateError(path, parsed.error) };
    const id = file.slice(0, -'.json'.length);
    if (parsed.data.id !== id) return { error: { file: path, field: 'id', message: `The id "${parsed.data.id}" does not match the file name; name the file ${parsed.data.id}.json.` } };
    if (BUILTIN_TEMPLATES.some((b) => b.id === id)) return { error: { file: path, field: 'id', message: `"${id}" is a built-in template's id; give this one another id.` } };
    return { template: parsed.data as AgentTemplate };
  }

  /** Creates or replaces the user's template `t.id` (already checked against the schema). */
  async save(t: AgentTemplate): Promise<TemplateInfo> {
    if (BUILTIN_TEMPLATES.some((b) => b.id === t.id)) throw new TemplateRefused(`"${t.id}" is a built-in template; duplicate it to change it.`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${t.id}.json`);
    const tmp = `${path}.${process.pid}.${++this.writes}.tmp`;
    await writeFile(tmp, JSON.stringify(t, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, path);
    this.recent = null;
    return { ...structuredClone(t), builtin: false };
  }

  async delete(id: string): Promise<void> {
    if (BUILTIN_TEMPLATES.some((b) => b.id === id)) throw new TemplateRefused(`"${id}" is a built-in template; it cannot be deleted.`);
    try {
      await rm(join(this.dir, `${id}.json`));
      this.recent = null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new TemplateRefused(`There is no template "${id}".`);
      throw err;
    }
  }
}

/** Kept here too: the backend's callers import it from the store. */
export { suggestName } from '../../../shared/templates.js';
