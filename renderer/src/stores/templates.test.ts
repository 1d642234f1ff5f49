import { describe, expect, it } from 'vitest';
import type { TemplateList } from '../../../shared/templates.js';
import { BLANK_TEMPLATE } from '../lib/template-form.js';
import { templateName } from './templates.js';

describe("a card's template name", () => {
  const list: TemplateList = { templates: [{ ...BLANK_TEMPLATE, id: 'e2e-agent', name: 'E2E agent', builtin: false }], errors: [] };
  it('is the listed name, or the id while the list is not here or the template is gone', () => {
    expect(templateName(list, 'e2e-agent')).toBe('E2E agent');
    expect(templateName(list, 'deleted-one')).toBe('deleted-one');
    expect(templateName(null, 'e2e-agent')).toBe('e2e-agent');
  });
});
