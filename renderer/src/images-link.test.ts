import { describe, expect, it, vi } from 'vitest';
import type { TemplateInfo } from '../../shared/templates.js';
import { imagesViewAvailable, registerImagesView, showImagesFor } from './images-link.js';
import { BLANK_TEMPLATE } from './lib/template-form.js';

describe('the way from a missing image to the images view', () => {
  it('is off until a view registers, then hands it the template', () => {
    const t: TemplateInfo = { ...BLANK_TEMPLATE, id: 'x', name: 'X', image: 'missing', builtin: false };
    expect(imagesViewAvailable()).toBe(false);
    showImagesFor(t);
    const open = vi.fn();
    registerImagesView(open);
    expect(imagesViewAvailable()).toBe(true);
    showImagesFor(t);
    expect(open).toHaveBeenCalledWith(t);
  });
});
