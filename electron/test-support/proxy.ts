/**
 * Integration-test support: a unix-socket proxy in front of the Incus socket that a test can
 * cut (every piped connection destroyed, the socket path gone) and restore on the same path,
 * to play a daemon that goes away and comes back while the real one keeps running; or stall
 * (connections stay open and new ones are accepted, but no byte moves either way), to play a
 * daemon that hangs without closing anything.
 */
import { spawn } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

interface Piped {
  client: Socket;
  /**
   * Opened at once, or, for a connection accepted while stalled, on the client's first byte:
   * Incus reads the first bytes of a connection in its accept loop.
   */
  upstream: Socket | null;
  /** What the daemon sent while stalled. */
  held: Buffer[];
}

export class SocketProxy {
  private server: Server | null = null;
  private readonly piped = new Set<Piped>();
  private isStalled = false;
  /** Connections accepted since the proxy was made. */
  accepted = 0;

  constructor(
    readonly path: string,
    readonly target: string,
  ) {}

  get listening(): boolean {
    return this.server !== null;
  }

  get stalled(): boolean {
    return this.isStalled;
  }

  /**
   * From now on nothing is forwarded, on open connections and on new ones (still accepted):
   * requests get no reply, the events stream goes silent, and nothing is closed. What the
   * daemon sends meanwhile is read and held, so the daemon itself never waits on the proxy.
   * (A connection accepted now is opened upstream only once the client sends its first bytes: Incus
   * 6.0 peeks at every connection's first bytes inside its accept loop, so one silent
   * connection stops it from accepting any other until that peek times out.)
   */
  stall(): void {
    this.isStalled = true;
    for (const p of this.piped) p.client.pause();
  }

  /** Forwarding goes on where it stopped: what was held back is delivered first. */
  resume(): void {
    this.isStalled = false;
    for (const p of this.piped) {
      for (const chunk of p.held.splice(0)) p.client.write(chunk);
      p.client.resume();
    }
  }

  private openUpstream(p: Piped): Socket {
    const upstream = createConnection(this.target);
    p.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => {
      if (this.isStalled) {
        p.held.push(chunk);
        return;
      }
      if (!p.client.write(chunk)) {
        upstream.pause();
        p.client.once('drain', () => upstream.resume());
      }
    });
    upstream.on('end', () => p.client.end());
    upstream.on('close', () => p.client.destroy());
    upstream.on('error', () => p.client.destroy());
    return upstream;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      this.accepted++;
      const p: Piped = { client, upstream: null, held: [] };
      this.piped.add(p);
      if (this.isStalled) client.pause();
      else this.openUpstream(p);
      client.on('data', (chunk: Buffer) => {
        const upstream = p.upstream ?? this.openUpstream(p);
        if (!upstream.write(chunk)) {
          client.pause();
          upstream.once('drain', () => {
            if (!this.isStalled) client.resume();
          });
        }
      });
      client.on('end', () => p.upstream?.end());
      client.on('close', () => {
        this.piped.delete(p);
        p.upstream?.destroy();
      });
      client.on('error', () => p.upstream?.destroy());
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
    for (const p of this.piped) {
      p.client.destroy();
      p.upstream?.destroy();
    }
    this.piped.clear();
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
