import type { IncusClient } from './client.js';

export interface Image {
  fingerprint: string;
  aliases: { name: string; description: string }[];
  architecture: string;
  size: number;
  uploaded_at: string;
  properties: Record<string, string>;
  public: boolean;
  type: 'container' | 'virtual-machine';
}

export function listImages(client: IncusClient): Promise<Image[]> {
  return client.get<Image[]>('/1.0/images', { query: { recursion: '1' } });
}
