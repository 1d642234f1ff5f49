import { describe, expect, it } from 'vitest';
import { agentAllowRules, keepRule, openAcl, restrictedAcl } from './acl-rules.js';
import { dynamicRange, freeAddress } from './addresses.js';
import { bridgeConfig, drift } from './bridges.js';
import { AllowResolver } from './resolver.js';
import { freeSubnet, parseRouteTable } from './subnets.js';

describe('subnets', () => {
  it('reads /proc/net/route and skips the default route when choosing', () => {
    const table = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n' +
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
      'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' +
      'br\t0000610A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n';
    const routes = parseRouteTable(table);
    expect(routes).toEqual(['0.0.0.0/0', '192.0.2.0/24', '10.97.0.0/16']);
    expect(freeSubnet(routes)).toBe('10.98.0.0/24');
    expect(freeSubnet(['10.97.0.1/24', '10.97.1.0/24'])).toBe('10.97.2.0/24');
    expect(freeSubnet(['10.0.0.0/8'])).toBeNull();
  });
});

describe('addresses', () => {
  it('hands out the lower part of the subnet, never the gateway or a used one', () => {
    expect(dynamicRange('10.97.0.1/24')).toBe('10.97.0.199-10.97.0.254');
    expect(freeAddress('10.97.0.1/24', [])).toBe('10.97.0.2');
    expect(freeAddress('10.97.0.1/24', ['10.97.0.2', '10.97.0.3'])).toBe('10.97.0.4');
    expect(freeAddress('10.97.0.1/24', ['10.97.0.2'], 1)).toBe('10.97.0.4');
    const all = Array.from({ length: 197 }, (_, i) => `10.97.0.${i + 2}`);
    expect(freeAddress('10.97.0.1/24', all)).toBeNull();
  });
});

describe('ACL rules', () => {
  it('restricted refuses the non-internet ranges and the host itself', () => {
    const acl = restrictedAcl(['192.0.2.2/24', '10.97.0.1', 'fe80::1']);
    const dests = acl.egress.map((r) => r.destination).join(',');
    for (const r of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4', '0.0.0.0/8', 'fc00::/7', 'fe80::/10', '::1/128', 'ff00::/8', '192.0.2.2/32', 'fe80::1/128']) {
      expect(dests.split(',')).toContain(r);
    }
    expect(acl.egress.every((r) => r.action === 'reject')).toBe(true);
  });

  it('open refuses the bridge subnet except the gateway', () => {
    expect(openAcl('10.97.3.1/24').egress[0]!.destination).toBe('10.97.3.0,10.97.3.2-10.97.3.255');
  });

  it('allowlist rules are per source address, TCP and UDP per port set, any protocol without ports', () => {
    const rules = agentAllowRules('p', 'a', '10.97.1.5', [
      { destinations: ['203.0.113.7/32'], ports: [443, 80] },
      { destinations: ['198.51.100.0/24'], ports: [] },
    ]);
    expect(rules).toEqual([
      { action: 'allow', state: 'enabled', description: 'enclave agent p/a', source: '10.97.1.5/32', destination: '198.51.100.0/24' },
      { action: 'allow', state: 'enabled', description: 'enclave agent p/a', source: '10.97.1.5/32', destination: '203.0.113.7/32', protocol: 'tcp', destination_port: '80,443' },
      { action: 'allow', state: 'enabled', description: 'enclave agent p/a', source: '10.97.1.5/32', destination: '203.0.113.7/32', protocol: 'udp', destination_port: '80,443' },
    ]);
  });

  it('keeps other projects rules only while their agent holds the address', () => {
    const rule = { action: 'allow' as const, state: 'enabled' as const, description: 'enclave agent q/b', source: '10.97.1.9/32' };
    expect(keepRule(rule, 'p', new Map([['10.97.1.9', 'q/b']]))).toBe(true);
    expect(keepRule(rule, 'p', new Map([['10.97.1.9', 'q/other']]))).toBe(false);
    expect(keepRule(rule, 'p', new Map())).toBe(false);
    expect(keepRule({ ...rule, description: 'enclave agent p/b' }, 'p', new Map([['10.97.1.9', 'p/b']]))).toBe(false);
    expect(keepRule({ ...rule, description: 'hand-made' }, 'p', new Map())).toBe(true);
  });
});

describe('bridges', () => {
  it('reports only the keys that drifted', () => {
    const want = bridgeConfig('allowlist', 'enclave-allow', '10.97.2.1/24');
    expect(want['security.acls.default.egress.action']).toBe('reject');
    expect(want['ipv6.address']).toBe('none');
    expect(drift({ ...want, 'ipv4.nat': 'false' }, want)).toEqual({ 'ipv4.nat': 'true' });
  });
});

describe('AllowResolver', () => {
  it('keeps the last addresses of a name that stops resolving, and says so', async () => {
    let answer: string[] | Error = ['203.0.113.9', '203.0.113.8'];
    const r = new AllowResolver(async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
    const entries = [{ host: 'api.example.com', ports: [443] }, { host: '198.51.100.1', ports: [] }];
    expect((await r.resolve(entries)).allow[0]!.destinations).toEqual(['203.0.113.8/32', '203.0.113.9/32']);
    answer = new Error('ENOTFOUND');
    const second = await r.resolve(entries);
    expect(second.allow.map((a) => a.destinations)).toEqual([['203.0.113.8/32', '203.0.113.9/32'], ['198.51.100.1/32']]);
    expect(second.failures).toEqual([{ host: 'api.example.com', reason: 'ENOTFOUND', kept: ['203.0.113.8', '203.0.113.9'] }]);
  });
});
