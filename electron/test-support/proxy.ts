/**
 * Integration-test support: a unix-socket proxy in front of the Incus socket that a test can
 * cut (every piped connection destroyed, the socket path gone) and restore on the same path,
 * to play a daemon that goes away and comes back while the real one keeps running.
 */
import { spawn } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class SocketProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Connections accepted since the proxy was made. */
  accepted = 0;

  constructor(
    readonly path: string,
    readonly target: string,
  ) {}

  get listening(): boolean {
    return this.server !== null;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      this.accepted++;
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** Drops every connection and stops listening; Node removes the socket file. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Leaves a unix socket file at `path` with nobody listening on it (a daemon that died without
 * cleaning up): a child process binds it and is then killed with SIGKILL.
 */
export async function staleSocket(path: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['-e', "require('node:net').createServer().listen(process.argv[1], () => console.log('up'))", path],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`socket holder exited early (${code})`)));
    child.stdout.once('data', () => resolve());
  });
  child.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
