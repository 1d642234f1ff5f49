export function serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }>;
export function installServersBackend(options: { now: number }): void;
