export function serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }>;
export function installFakeBackend(options: { files: number; now: number; changesDelayMs?: number }): void;
