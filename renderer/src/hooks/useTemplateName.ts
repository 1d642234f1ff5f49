import { useEffect } from 'react';
import { loadTemplates } from '../template-actions.js';
import { templateName, useTemplates } from '../stores/templates.js';

let asked = false;

/** The name of the template an agent was made from (its id until the list is here), or null. */
export function useTemplateName(id: string | undefined): string | null {
  const known = useTemplates((s) => s.list);
  useEffect(() => {
    if (id && !known && !asked) {
      asked = true;
      void loadTemplates();
    }
  }, [id, known]);
  return id ? templateName(known, id) : null;
}
