/**
 * Templates and secrets as the renderer asks for them: each call folds its answer into the
 * templates store. A secret's value goes to the backend once and is never read back.
 */
import type { AgentTemplate, TemplateInfo } from '../../shared/templates.js';
import { enclave } from './api.js';
import { errorMessage } from './lib/errors.js';
import { useTemplates } from './stores/templates.js';

export async function loadTemplates(): Promise<void> {
  try {
    useTemplates.getState().loaded(await enclave.invoke('templates.list', {}));
  } catch (error) {
    useTemplates.getState().failed(errorMessage(error));
  }
}

export async function loadSecrets(): Promise<void> {
  try {
    useTemplates.getState().secretsLoaded(await enclave.invoke('secrets.list', {}));
  } catch (error) {
    useTemplates.getState().secretsFailed(errorMessage(error));
  }
}

/** Saves one of the user's templates and reloads the list (the backend's errors reject). */
export async function saveTemplate(template: AgentTemplate): Promise<TemplateInfo> {
  const saved: TemplateInfo = await enclave.invoke('templates.save', { template });
  await loadTemplates();
  return saved;
}

export async function deleteTemplate(id: string): Promise<void> {
  await enclave.invoke('templates.delete', { id });
  await loadTemplates();
}

export async function setSecret(name: string, value: string): Promise<void> {
  useTemplates.getState().secretsLoaded(await enclave.invoke('secrets.set', { name, value }));
}
