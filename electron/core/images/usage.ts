import type { ImageInfo } from '../../../shared/types.js';
import { IMAGE_PROPS } from '../../../shared/images.js';
import type { Image } from '../../incus/images.js';

/** What usage needs of an instance: where it is and which image it was made from. */
export interface InstanceRef {
  name: string;
  project: string;
  config?: Record<string, string>;
}

export interface ImageUsage {
  /** Agents of Enclave's project, by name. */
  agents: string[];
  /** Instances of other projects, as project/name. */
  elsewhere: string[];
}

/** Which instances use each image, by fingerprint (`volatile.base_image`). */
export function imageUsage(instances: readonly InstanceRef[], project: string): Map<string, ImageUsage> {
  const usage = new Map<string, ImageUsage>();
  for (const inst of instances) {
    const fp = inst.config?.['volatile.base_image'];
    if (!fp) continue;
    let u = usage.get(fp);
    if (!u) usage.set(fp, (u = { agents: [], elsewhere: [] }));
    if (inst.project === project) u.agents.push(inst.name);
    else u.elsewhere.push(`${inst.project}/${inst.name}`);
  }
  for (const u of usage.values()) {
    u.agents.sort();
    u.elsewhere.sort();
  }
  return usage;
}

/** The container images, newest first, each with the instances that use it. */
export function toImageInfos(images: readonly Image[], usage: ReadonlyMap<string, ImageUsage>): ImageInfo[] {
  return images
    .filter((img) => img.type === 'container')
    .map((img) => {
      const u = usage.get(img.fingerprint);
      return {
        fingerprint: img.fingerprint,
        aliases: img.aliases.map((a) => a.name).sort(),
        description: img.properties.description ?? '',
        architecture: img.architecture,
        sizeBytes: img.size,
        uploadedAt: img.uploaded_at,
        version: img.properties[IMAGE_PROPS.version] || null,
        usedBy: u?.agents ?? [],
        usedElsewhere: u?.elsewhere.length ?? 0,
      };
    })
    .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt));
}

/** Why an image may not be deleted, or null when nothing uses it. */
export function deleteRefusal(image: Pick<ImageInfo, 'aliases' | 'fingerprint'>, usage: ImageUsage | undefined): string | null {
  if (!usage || (usage.agents.length === 0 && usage.elsewhere.length === 0)) return null;
  const name = image.aliases[0] ?? image.fingerprint.slice(0, 12);
  const parts: string[] = [];
  if (usage.agents.length) {
    const shown = usage.agents.slice(0, 10).join(', ');
    const more = usage.agents.length > 10 ? ` and ${usage.agents.length - 10} more` : '';
    parts.push(`${usage.agents.length === 1 ? 'the agent' : 'the agents'} ${shown}${more}`);
  }
  if (usage.elsewhere.length) {
    parts.push(`${usage.elsewhere.length} ${usage.elsewhere.length === 1 ? 'instance' : 'instances'} of other projects (${usage.elsewhere.slice(0, 5).join(', ')}${usage.elsewhere.length > 5 ? ', …' : ''})`);
  }
  return `The image ${name} is in use by ${parts.join(' and ')}. Delete ${usage.agents.length + usage.elsewhere.length === 1 ? 'it' : 'them'} first.`;
}
