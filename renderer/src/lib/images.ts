import type { ImageInfo } from '../../../shared/types.js';

export const PREFERRED_IMAGE = 'enclave-agent';

export interface ImageChoice {
  /** What agents.create receives: the first alias, else the fingerprint. */
  value: string;
  label: string;
}

export function imageChoices(images: readonly ImageInfo[]): ImageChoice[] {
  return images.map((image) => {
    const alias = image.aliases[0];
    return {
      value: alias ?? image.fingerprint,
      label: alias ?? (image.description || image.fingerprint.slice(0, 12)),
    };
  });
}

/** The Enclave agent image when present, else the first image, else nothing. */
export function defaultImage(images: readonly ImageInfo[]): string {
  if (images.some((image) => image.aliases.includes(PREFERRED_IMAGE))) return PREFERRED_IMAGE;
  return imageChoices(images)[0]?.value ?? '';
}
