import { IncusClient } from '../electron/incus/client.js';

/** Records every REST call and websocket an IncusClient makes, relative to `zero`. */
export class Tracer {
  zero = 0;
  lines: string[] = [];
  active = false;

  install(): void {
    const proto = IncusClient.prototype;
    const call = proto.call;
    const websocket = proto.websocket;
    const at = () => (performance.now() - this.zero).toFixed(1).padStart(7);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tracer = this;
    proto.call = async function (this: IncusClient, method, path, opts) {
      if (!tracer.active) return call.call(this, method, path, opts);
      const start = at();
      try {
        return await call.call(this, method, path, opts);
      } finally {
        tracer.lines.push(`  ${start} → ${at()}  ${method} ${path.replace(/[0-9a-f-]{36}/, '<op>')}`);
      }
    } as typeof proto.call;
    proto.websocket = function (this: IncusClient, path, query, project) {
      const ws = websocket.call(this, path, query, project);
      if (tracer.active) {
        const start = at();
        const label = path.replace(/[0-9a-f-]{36}/, '<op>');
        ws.addEventListener('open', () => tracer.lines.push(`  ${start} → ${at()}  WS open ${label}`));
        ws.addEventListener('close', () => tracer.lines.push(`  ${start} → ${at()}  WS closed ${label}`));
      }
      return ws;
    } as typeof proto.websocket;
  }

  begin(): void {
    this.lines = [];
    this.zero = performance.now();
    this.active = true;
  }

  end(): string[] {
    this.active = false;
    return this.lines;
  }
}
