import type { IncusClient } from './client.js';

/** Whether the server answers at all (GET /1.0 within `timeoutMs`): tells which side of a failed transfer went away. */
export async function answers(client: IncusClient, timeoutMs = 3_000): Promise<boolean> {
  try {
    await client.get('/1.0', { project: null, timeoutMs });
    return true;
  } catch {
    return false;
  }
}
