import type { TemplateInfo } from '../../shared/templates.js';

/**
 * Where a template whose image is missing sends the user: the images view registers itself
 * here (one call, where it is mounted). Until one does, the wizard's button stays disabled.
 */
let openImages: ((template: TemplateInfo) => void) | null = null;

export function registerImagesView(open: (template: TemplateInfo) => void): void {
  openImages = open;
}

export function imagesViewAvailable(): boolean {
  return openImages !== null;
}

export function showImagesFor(template: TemplateInfo): void {
  openImages?.(template);
}
