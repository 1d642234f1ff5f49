import { createServer, type Server } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { ActivityEntry, Agent, AgentChangeResult, NetworkPolicy } from '../../shared/types.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { dispatch } from '../transport/dispatch.js';
import type { Backend } from './backend.js';
import { listAllNetworks } from './network/incus-network.js';
import { candidateSubnets, freeSubnet, localAddresses, localRoutes } from './network/subnets.js';

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

const policy = (mode: NetworkPolicy['mode'], allow: NetworkPolicy['allow'] = []): NetworkPolicy => ({ mode, allow, ingress: '', egress: '' });

// Every address probed below belongs to this test: its own bridge and server container, its
// agents, and the host's addresses on Enclave's bridges where this test listens.
describe('network policy per agent against the real daemon', () => {
  const project = useTestProject();
  // The test's server lives in a project of its own, as another machine on a network would:
  // Enclave restricts its project's NICs to Enclave's bridges.
  const fixtures = useTestProject();
  let backend: Backend;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const id = suffix();
  const testNet = `i8t-${id}`;
  const server = `srv-${id}`;
  let serverAddr = '';
  const listeners: Server[] = [];
  const hostPort = 18_000 + Math.floor(Math.random() * 1000);
  const projectOf = (name: string) => (name === server ? fixtures.name : project.name);
  const sh = (name: string, script: string) => incus('exec', name, '--project', projectOf(name), '--', 'sh', '-c', script);
  /**
   * Whether `name` gets "ok" from http://addr:port within 2 s. Through nc: busybox-static's
   * wget crashes with -T here, which would read as "unreachable".
   */
  const reaches = async (name: string, addr: string, port: number) =>
    /\nok\s*$/.test(await sh(name, `printf 'GET /ok HTTP/1.0\\r\\n\\r\\n' | timeout 5 busybox nc -w 2 ${addr} ${port} 2>&1; true`));
  const leased = (name: string, addr: string) =>
    until(`${name} to hold ${addr}`, async () => (await sh(name, 'busybox ip -4 addr show dev eth0 2>/dev/null || true')).includes(`inet ${addr}/`), 20_000);
  const gateway = (bridge: string) => incus('network', 'get', bridge, 'ipv4.address').then((g) => g.trim().split('/')[0]!);

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'net'));
    backend.start();
    await backend.ready(15_000);
    // The test's own no-NAT bridge, on a subnet that collides with nothing, and a server on it.
    const taken = [...(await localRoutes()), ...localAddresses().v4, ...(await listAllNetworks(project.client)).map((n) => n.config['ipv4.address'] ?? '')];
    const subnet = freeSubnet(taken, candidateSubnets(200, 220));
    if (!subnet) throw new Error('no free subnet for the test bridge');
    const base = subnet.replace(/\.0\/24$/, '');
    serverAddr = `${base}.10`;
    await incus('network', 'create', testNet, `ipv4.address=${base}.1/24`, 'ipv4.nat=false', 'ipv6.address=none');
    // Deferred steps run before the project's removal: the server goes first, then its bridge.
    project.defer(() => incus('delete', '-f', server, '--project', fixtures.name).catch(() => '').then(() => incus('network', 'delete', testNet)));
    await incus('launch', AGENT_IMAGE, server, '--project', fixtures.name, '-n', testNet);
    await incus('config', 'device', 'set', server, 'eth0', `ipv4.address=${serverAddr}`, '--project', fixtures.name);
    await incus('restart', server, '--project', fixtures.name, '--force');
    await leased(server, serverAddr);
    await sh(server, 'mkdir -p /srv && echo ok > /srv/ok && busybox httpd -p 8080 -h /srv && busybox httpd -p 8081 -h /srv');
    // The host answers on its addresses on Enclave's restricted and open bridges.
    const bridges = await backend.local.network.ensure(project.client);
    for (const b of [bridges.restricted, bridges.open, bridges.allowlist]) {
      const srv = createServer((_, res) => res.end('ok\n'));
      await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(hostPort, b.gateway.split('/')[0], resolve));
      listeners.push(srv);
    }
    project.defer(() => Promise.all(listeners.map((l) => new Promise((r) => l.close(r)))));
  });

  const restricted = `res-${id}`;
  it('restricted (the default): DNS on its bridge, neither the server nor the host', async () => {
    const agent = ok<Agent>(await call('agents.create', { name: restricted, image: AGENT_IMAGE }));
    expect(agent.network.policy.mode).toBe('restricted');
    expect(agent.network.bridge).toBe('enclave-restr');
    const addr = agent.network.address!;
    await leased(restricted, addr);
    const gw = await gateway('enclave-restr');
    expect(await sh(restricted, `busybox nslookup -timeout=2 ${restricted}.incus ${gw} 2>&1 || true`)).toContain(addr);
    expect(await reaches(restricted, serverAddr, 8080)).toBe(false);
    expect(await reaches(restricted, gw, hostPort)).toBe(false);
    const shown = await incus('config', 'device', 'show', restricted, '--project', project.name);
    expect(shown).toMatch(/security.ipv4_filtering: "true"/);
    expect(shown).toMatch(/security.port_isolation: "true"/);
  });

  it('a blocked connection shows in the agent activity log, once per destination', async () => {
    const entries = async () =>
      ok<ActivityEntry[]>(await call('activity.list', { agent: restricted, limit: 200 }))
        .map((e) => e.message)
        .filter((m) => m.startsWith('blocked:'));
    const wanted = `blocked: TCP to ${serverAddr}:8081 (restricted)`;
    expect(await entries()).not.toContain(wanted);
    for (let i = 0; i < 3; i++) expect(await reaches(restricted, serverAddr, 8081)).toBe(false);
    await until(`"${wanted}" in the activity log`, async () => (await entries()).includes(wanted), 15_000);
    expect((await entries()).filter((m) => m === wanted)).toHaveLength(1);
  });

  it('open, changed live: reaches the server and the host, without a restart', async () => {
    await sh(restricted, 'echo here > /dev/shm/marker');
    const res = ok<AgentChangeResult>(await call('agents.setNetwork', { agent: restricted, policy: policy('open') }));
    expect(res.agent.network.bridge).toBe('enclave-open');
    expect(res.notes.join(' ')).toMatch(/moved to enclave-open/);
    await leased(restricted, res.agent.network.address!);
    expect(await reaches(restricted, serverAddr, 8080)).toBe(true);
    expect(await reaches(restricted, await gateway('enclave-open'), hostPort)).toBe(true);
    expect((await sh(restricted, 'cat /dev/shm/marker')).trim()).toBe('here');
  });

  it('two agents on one bridge cannot reach each other', async () => {
    const other = `nb-${id}`;
    const agent = ok<Agent>(await call('agents.create', { name: other, image: AGENT_IMAGE, network: policy('open') }));
    await leased(other, agent.network.address!);
    await sh(other, 'mkdir -p /srv && echo ok > /srv/ok && busybox httpd -p 8080 -h /srv');
    expect(await reaches(other, serverAddr, 8080)).toBe(true);
    expect(await reaches(restricted, agent.network.address!, 8080)).toBe(false);
    expect(await reaches(other, (await backend.local.agents.get(restricted)).network.address!, 8080)).toBe(false);
  });

  it('a spoofed source address gets nowhere', async () => {
    const mine = (await backend.local.agents.get(restricted)).network.address!;
    const spoof = mine.replace(/\.\d+$/, '.197');
    await sh(restricted, `busybox ip -4 addr flush dev eth0 && busybox ip -4 addr add ${spoof}/24 dev eth0 && busybox ip -4 route replace default via ${await gateway('enclave-open')}`);
    try {
      expect(await reaches(restricted, serverAddr, 8080)).toBe(false);
    } finally {
      await sh(restricted, `busybox ip -4 addr flush dev eth0 && busybox ip -4 addr add ${mine}/24 dev eth0 && busybox ip -4 route replace default via ${await gateway('enclave-open')}`);
    }
    expect(await reaches(restricted, serverAddr, 8080)).toBe(true);
  });

  it('allowlist: only the listed host and port', async () => {
    const res = ok<AgentChangeResult>(await call('agents.setNetwork', { agent: restricted, policy: policy('allowlist', [{ host: serverAddr, ports: [8080] }]) }));
    expect(res.agent.network.bridge).toBe('enclave-allow');
    await leased(restricted, res.agent.network.address!);
    expect(await reaches(restricted, serverAddr, 8080)).toBe(true);
    expect(await reaches(restricted, serverAddr, 8081)).toBe(false);
    expect(await reaches(restricted, await gateway('enclave-allow'), hostPort)).toBe(false);
    // Refused by the bridge's default action, which is logged too.
    const refused = `blocked: TCP to ${serverAddr}:8081 (allowlist)`;
    await until(`"${refused}" in the activity log`, () => backend.local.activity.list(restricted, 200).some((e) => e.message === refused), 15_000);
    const acl = await incus('network', 'acl', 'show', 'enclave-allow');
    expect(acl).toContain(`enclave agent ${project.name}/${restricted}`);
    // Widened in place: same bridge and address, new rules.
    const wider = ok<AgentChangeResult>(await call('agents.setNetwork', { agent: restricted, policy: policy('allowlist', [{ host: serverAddr, ports: [8080, 8081] }]) }));
    expect(wider.agent.network.address).toBe(res.agent.network.address);
    expect(await reaches(restricted, serverAddr, 8081)).toBe(true);
    expect(backend.local.activity.list(restricted, 50).map((e) => e.message).join('\n')).toMatch(/network open → allowlist/);
  });

  it("starts an agent whose address another client's instance took meanwhile, with a new one", async () => {
    const agent = `re-${id}`;
    const created = ok<Agent>(await call('agents.create', { name: agent, image: AGENT_IMAGE }));
    const taken = created.network.address!;
    ok<Agent>(await call('agents.action', { name: agent, action: 'stop', force: true }));
    // Another client (the CLI, in a project of its own) creates an instance on that address:
    // Incus checks addresses on start and update, not on create, so now neither may start.
    const thief = `thief-${id}`;
    await incus('init', AGENT_IMAGE, thief, '--project', fixtures.name, '-n', created.network.bridge!, '-d', `eth0,ipv4.address=${taken}`);
    const started = ok<Agent>(await call('agents.action', { name: agent, action: 'start' }));
    expect(started.status).toBe('Running');
    expect(started.network.address).not.toBe(taken);
    await leased(agent, started.network.address!);
  });

  it('none: no interface; its allowlist rules are gone', async () => {
    const res = ok<AgentChangeResult>(await call('agents.setNetwork', { agent: restricted, policy: policy('none') }));
    expect(res.agent.network).toMatchObject({ bridge: null, address: null, policy: { mode: 'none' } });
    expect(await sh(restricted, 'test -e /sys/class/net/eth0 && echo present || echo absent')).toContain('absent');
    expect(await incus('network', 'acl', 'show', 'enclave-allow')).not.toContain(`${project.name}/${restricted}`);
  });
});
