// A fake backend with many servers, for looking at the servers UI without Incus or remotes:
// the built renderer (dist/renderer) served on 127.0.0.1 (serveStatic of changes-fixture.mjs),
// with window.enclave answered in the page from made-up data: the local server, a remote
// "lab" that is connected, a remote "edge" refused for a changed certificate, and a cluster
// "cl" whose members are m1 (Online) and m2 (Evacuated). Used by scripts/servers-shots.mjs and
// e2e/servers-ui.spec.ts. Nothing leaves this machine.
/* global window, setTimeout */
export { serveStatic } from './changes-fixture.mjs';

/**
 * Runs in the page (page.addInitScript(installServersBackend, { now })) before the app.
 * Self-contained: Playwright sends only this function's source. `window.__servers` exposes
 * the calls made (calls) and emit(event, payload) for tests.
 */
export function installServersBackend(options) {
  const now = options.now;
  const listeners = new Map();
  const calls = [];
  const emit = (event, payload) => (listeners.get(event) ?? []).forEach((l) => l(payload));
  const iso = (ms) => new Date(ms).toISOString();
  const hex = (seed) => {
    let h = 2166136261 >>> 0;
    let out = '';
    for (let round = 0; out.length < 64; round++) {
      for (const ch of `${seed}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
      out += h.toString(16).padStart(8, '0');
    }
    return out.slice(0, 64);
  };
  const connected = (address) => ({ state: 'connected', socketPath: address, serverVersion: '6.0.4', project: 'enclave', storageDrivers: ['btrfs'], warning: null });
  const servers = [
    { name: 'local', address: '/var/lib/incus/unix.socket', source: 'local', fingerprint: null, clientCertificate: null, status: connected('/var/lib/incus/unix.socket'), cluster: null },
    { name: 'lab', address: 'https://127.0.0.1:18443', source: 'enclave', fingerprint: hex('lab'), clientCertificate: 'enclave', status: connected('https://127.0.0.1:18443'), cluster: null },
    {
      name: 'edge', address: 'https://127.0.0.2:8443', source: 'cli', fingerprint: hex('edge'), clientCertificate: 'cli',
      status: {
        state: 'unavailable', socketPath: 'https://127.0.0.2:8443', tried: ['https://127.0.0.2:8443'], problem: 'certificate-changed',
        message: `edge presented a certificate with fingerprint ${hex('edge-new').slice(0, 16)}…, not the pinned ${hex('edge').slice(0, 16)}….`,
        hint: 'If the server was reinstalled or its certificate renewed, check the new fingerprint with its owner, then remove edge and add it again.',
        nextRetryAt: iso(now + 3600_000), since: iso(now - 12 * 60_000), setup: { available: false, reason: null },
      },
      cluster: null,
    },
    {
      name: 'cl', address: 'https://127.0.0.3:8443', source: 'enclave', fingerprint: hex('cl'), clientCertificate: 'enclave', status: connected('https://127.0.0.3:8443'),
      cluster: [
        { name: 'm1', url: 'https://127.0.0.3:8443', status: 'Online', message: 'Fully operational', roles: ['database-leader', 'database'], load: { cpus: 8, load1: 1.42, memoryUsedBytes: 6.2 * 1024 ** 3, memoryTotalBytes: 16 * 1024 ** 3 }, agents: 2 },
        { name: 'm2', url: 'https://127.0.0.4:8443', status: 'Evacuated', message: 'Unavailable due to maintenance', roles: ['database'], load: { cpus: 8, load1: 0.03, memoryUsedBytes: 0.9 * 1024 ** 3, memoryTotalBytes: 16 * 1024 ** 3 }, agents: 0 },
      ],
    },
  ];

  const limits = { cpu: '2', memory: '2GiB', processes: '', disk: '10GiB' };
  const network = { policy: { mode: 'restricted', allow: [], ingress: '', egress: '' }, bridge: 'enclave-restr', address: '10.77.0.12' };
  const agent = (ref, status, location = null) => {
    const i = ref.indexOf(':');
    return {
      name: ref, server: i < 0 ? 'local' : ref.slice(0, i), location, status, image: 'Enclave agent (Debian 12)',
      createdAt: iso(now - 3 * 3600_000), lastStartedAt: status === 'Running' ? iso(now - 40 * 60_000) : null, managed: true, description: '',
      meta: {}, clonedFrom: null, snapshotSchedule: { schedule: '', expiry: '' }, limits, network, isolation: [], workspace: null,
    };
  };
  const agents = [
    agent('web', 'Running'), agent('api', 'Stopped'),
    agent('lab:build', 'Running'), agent('lab:docs', 'Stopped'),
    agent('edge:old', 'Running'),
    agent('cl:ci-1', 'Running', 'm1'), agent('cl:ci-2', 'Stopped', 'm1'),
  ];
  const template = {
    id: 'claude-code', name: 'Claude Code', description: 'Anthropic Claude Code in tmux', image: 'enclave-agent', installs: [], command: 'claude', env: {},
    secrets: [], namePrefix: 'claude', limits: { cpu: '', memory: '', processes: '', disk: '' }, network: null, status: 'tmux', builtin: true,
  };
  const settings = {
    snapshotDefaults: { schedule: '', expiry: '' },
    guardDefaults: { enabled: true, cpuPinnedSeconds: 60, memoryPercent: 90, processesPercent: 90, diskPercent: 90, forkRatePerSecond: 50, autoFreeze: false },
    defaultLimits: { cpu: '', memory: '', processes: '', disk: '' }, safetyExpiry: '7d', defaultNetwork: network.policy,
  };
  const fail = (code, message) => {
    throw { code, message };
  };
  const changed = () => setTimeout(() => emit('servers.changed', servers.map((s) => ({ ...s }))), 0);
  const upsert = (a) => {
    const at = agents.findIndex((x) => x.name === a.name);
    if (at < 0) agents.push(a);
    else agents[at] = a;
    setTimeout(() => emit('agents.changed', { kind: 'upsert', agent: a }), 0);
    return a;
  };

  const answers = {
    'system.status': () => connected('/var/lib/incus/unix.socket'),
    'agents.list': () => agents,
    'servers.list': () => servers,
    'servers.retry': ({ name }) => servers.find((s) => s.name === name) ?? fail('not-found', `There is no server ${name}.`),
    'servers.probe': ({ address }) => {
      if (address.includes('nowhere')) fail('unavailable', `Nothing answers at ${address}: check the address and port, and that the server listens there (core.https_address).`);
      const host = address.replace(/^https:\/\//, '');
      return {
        address: `https://${host.includes(':') ? host : `${host}:8443`}`, fingerprint: hex(address), subject: `O=Incus; CN=root@${host.split(':')[0]}`,
        notAfter: iso(now + 300 * 86400_000), auth: address.includes('trusted') ? 'trusted' : 'untrusted', serverName: host.split(/[.:]/)[0],
      };
    },
    'servers.add': ({ name, address, token, fingerprint }) => {
      if (servers.some((s) => s.name === name)) fail('conflict', `A server named ${name} already exists.`);
      if (token && token.startsWith('expired')) fail('incus', 'The server refused the trust token: it has expired or was already used. Make a new one with `incus config trust add enclave`.');
      if (fingerprint && !address.includes('trusted')) fail('incus', `${name} does not trust Enclave's certificate yet: run \`incus config trust add-certificate FILE\` there with Enclave's client certificate, then add it again.`);
      const added = { name, address: address.startsWith('https://') ? address : `https://${address}`, source: 'enclave', fingerprint: fingerprint ?? hex(address), clientCertificate: 'enclave', status: connected(address), cluster: null };
      servers.push(added);
      changed();
      return added;
    },
    'servers.remove': ({ name }) => {
      const at = servers.findIndex((s) => s.name === name);
      if (at >= 0) servers.splice(at, 1);
      changed();
      return {};
    },
    'servers.clientCertificate': () => ({
      pem: `-----BEGIN CERTIFICATE-----\n${'MIIB' + 'x'.repeat(60)}\n${'y'.repeat(64)}\n${'z'.repeat(40)}==\n-----END CERTIFICATE-----\n`,
      fingerprint: hex('enclave-client'),
    }),
    'agents.copyTo': ({ agent: ref, server, name }) => {
      const source = agents.find((a) => a.name === ref) ?? fail('not-found', `There is no agent ${ref}.`);
      const bare = name ?? ref.slice(ref.indexOf(':') + 1);
      return upsert({ ...source, name: server === 'local' ? bare : `${server}:${bare}`, server, location: server === 'cl' ? 'm1' : null });
    },
    'agents.move': ({ agent: ref, member }) => {
      const source = agents.find((a) => a.name === ref) ?? fail('not-found', `There is no agent ${ref}.`);
      return upsert({ ...source, location: member });
    },
    'agents.create': ({ name, target }) => {
      const made = agent(name, 'Running', name.startsWith('cl:') ? (target ?? 'm1') : null);
      return upsert(made);
    },
    'terminals.list': () => [],
    'terminals.open': () => fail('unavailable', 'No terminals in the fixture.'),
    'settings.get': () => settings,
    'snapshots.list': () => [],
    'guard.alerts': () => [],
    'agents.runStatus': () => [],
    'activity.list': () => [],
    'telemetry.focus': () => ({}),
    'telemetry.history': () => [],
    'templates.list': () => ({ templates: [template], errors: [] }),
    'secrets.list': () => ({ encrypted: false, storage: 'a file', secrets: [] }),
    'images.list': () => [{ fingerprint: hex('img'), aliases: ['enclave-agent'], description: 'Enclave agent', architecture: 'x86_64', sizeBytes: 1, uploadedAt: iso(now), version: null, usedBy: [], usedElsewhere: 0 }],
    'images.missing': () => [],
    'images.builds': () => [],
    'workspace.changes': ({ agent: name }) => ({ agent: name, state: 'no-workspace', mode: null, base: null, head: null, branch: null, commits: [], files: [], truncated: false, uncommittedFiles: 0, fingerprint: hex(name).slice(0, 40), readAt: Date.now(), message: `${name} has no project.` }),
  };
  window.__servers = { calls, emit, servers, agents };
  window.enclave = {
    async call(method, args) {
      calls.push({ method, args });
      const answer = answers[method];
      if (!answer) return { ok: false, error: { code: 'unknown-method', message: `${method} is not in the fixture.` } };
      try {
        return { ok: true, result: answer(args ?? {}) };
      } catch (error) {
        return { ok: false, error: { code: error.code ?? 'internal', message: error.message ?? String(error) } };
      }
    },
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener);
      listeners.set(event, list);
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== listener));
    },
  };
}
