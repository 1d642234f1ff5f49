import { create } from 'zustand';
import type { SecretsInfo } from '../../../shared/secrets.js';
import type { TemplateList } from '../../../shared/templates.js';

interface TemplatesState {
  /** Null until templates.list answers. */
  list: TemplateList | null;
  error: string | null;
  /** Null until secrets.list answers: names and dates only, never a value. */
  secrets: SecretsInfo | null;
  secretsError: string | null;
  loaded(list: TemplateList): void;
  failed(error: string): void;
  secretsLoaded(info: SecretsInfo): void;
  secretsFailed(error: string): void;
}

export const useTemplates = create<TemplatesState>()((set) => ({
  list: null,
  error: null,
  secrets: null,
  secretsError: null,
  loaded(list) {
    set({ list, error: null });
  },
  failed(error) {
    set({ error });
  },
  secretsLoaded(secrets) {
    set({ secrets, secretsError: null });
  },
  secretsFailed(secretsError) {
    set({ secretsError });
  },
}));

/** A template's name by id, for a card; the id itself when the template is gone or not loaded. */
export function templateName(list: TemplateList | null, id: string): string {
  return list?.templates.find((t) => t.id === id)?.name ?? id;
}
