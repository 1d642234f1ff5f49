import type { ImageInfo } from '../../shared/types.js';
import { listImages } from '../incus/images.js';
import type { Connection } from './connection.js';

/** Container images agents can start from (the project shares the default project's images). */
export async function availableImages(connection: Connection): Promise<ImageInfo[]> {
  const images = await listImages(connection.requireClient());
  return images
    .filter((img) => img.type === 'container')
    .map((img) => ({
      fingerprint: img.fingerprint,
      aliases: img.aliases.map((a) => a.name),
      description: img.properties.description ?? '',
      architecture: img.architecture,
      sizeBytes: img.size,
      uploadedAt: img.uploaded_at,
    }))
    .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt));
}
