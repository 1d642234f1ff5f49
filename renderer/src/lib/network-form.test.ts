import { describe, expect, it } from 'vitest';
import { networkPolicy } from '../../../shared/api.js';
import { BANDWIDTH_RULE, HOST_RULE, MAX_ALLOW_ENTRIES, MAX_ALLOW_PORTS } from '../../../shared/network.js';
import type { NetworkPolicy } from '../../../shared/types.js';
import {
  FALLBACK_POLICY,
  draftFromPolicy,
  draftProblems,
  draftValid,
  networkSummary,
  parsePorts,
  policyFromDraft,
  rowProblems,
  samePolicy,
  withMode,
  withRow,
  withRowChange,
  withoutRow,
} from './network-form.js';

const allowlist: NetworkPolicy = {
  mode: 'allowlist',
  allow: [
    { host: 'api.anthropic.com', ports: [443] },
    { host: '203.0.113.0/24', ports: [] },
    { host: '203.0.113.7', ports: [443, 80] },
  ],
  ingress: '100Mbit',
  egress: '',
};

describe('network form: ports', () => {
  it('parses a list separated by commas or spaces, repeats once, empty as any port', () => {
    expect(parsePorts('443, 80')).toEqual({ ports: [443, 80], problem: null });
    expect(parsePorts(' 22 80,443,,80 ')).toEqual({ ports: [22, 80, 443], problem: null });
    expect(parsePorts('')).toEqual({ ports: [], problem: null });
    expect(parsePorts('  ')).toEqual({ ports: [], problem: null });
  });

  it('names the bad port and states the rule', () => {
    expect(parsePorts('443, https').problem).toMatch(/^"https" is not a port\. Ports are whole numbers/);
    expect(parsePorts('-1').problem).toMatch(/"-1" is not a port/);
    expect(parsePorts('4.5').problem).toMatch(/"4.5" is not a port/);
    expect(parsePorts('0').problem).toBe('0 is not a port: a port is a whole number from 1 to 65535.');
    expect(parsePorts('65536').problem).toMatch(/^65536 is not a port/);
    expect(parsePorts('65535').problem).toBeNull();
    const many = Array.from({ length: MAX_ALLOW_PORTS + 1 }, (_, i) => i + 1).join(',');
    expect(parsePorts(many).problem).toBe(`At most ${MAX_ALLOW_PORTS} ports per host.`);
  });
});

describe('network form: draft', () => {
  it('round-trips a policy of every mode', () => {
    for (const policy of [
      allowlist,
      { mode: 'restricted', allow: [], ingress: '', egress: '1Gbit' } satisfies NetworkPolicy,
      { mode: 'open', allow: [], ingress: '10Mbit', egress: '20Mbit' } satisfies NetworkPolicy,
      { mode: 'none', allow: [], ingress: '', egress: '' } satisfies NetworkPolicy,
    ]) {
      const draft = draftFromPolicy(policy);
      expect(draftValid(draft)).toBe(true);
      expect(policyFromDraft(draft)).toEqual(policy);
      expect(samePolicy(policyFromDraft(draft), policy)).toBe(true);
    }
    expect(draftFromPolicy(allowlist).allow.map((row) => row.ports)).toEqual(['443', '', '443, 80']);
  });

  it('sends what the contract schema accepts', () => {
    const draft = withMode(draftFromPolicy({ ...allowlist, mode: 'open', allow: [] }), 'allowlist');
    const row = draft.allow[0];
    expect(row).toBeDefined();
    const filled = withRowChange(draft, row?.id ?? 0, { host: ' example.org ', ports: '443,8443' });
    expect(draftValid(filled)).toBe(true);
    const policy = policyFromDraft(filled);
    expect(policy.allow).toEqual([{ host: 'example.org', ports: [443, 8443] }]);
    expect(networkPolicy.safeParse(policy).success).toBe(true);
  });

  it('switching to allowlist gives one row to fill in, and it must be filled', () => {
    const draft = withMode(draftFromPolicy({ mode: 'restricted', allow: [], ingress: '', egress: '' }), 'allowlist');
    expect(draft.allow).toHaveLength(1);
    const id = draft.allow[0]?.id ?? 0;
    expect(draftProblems(draft).rows[id]?.host).toBe(`Enter a host, or remove this row. ${HOST_RULE}`);
    expect(draftValid(draft)).toBe(false);
    const emptied = withoutRow(draft, id);
    expect(draftProblems(emptied).allow).toMatch(/at least one host/);
    expect(draftValid(emptied)).toBe(false);
    // Leaving allowlist mode drops the rows from what is sent, and their problems with them.
    const back = withMode(draft, 'open');
    expect(draftValid(back)).toBe(true);
    expect(policyFromDraft(back).allow).toEqual([]);
  });

  it("reports each row's own problems with shared/network.ts's messages", () => {
    let draft = withRow(withRow(draftFromPolicy({ ...allowlist, allow: [] })));
    const [first, second] = draft.allow;
    draft = withRowChange(draft, first?.id ?? 0, { host: 'not a host', ports: '443' });
    draft = withRowChange(draft, second?.id ?? 0, { host: '10.0.0.1', ports: '99999' });
    const problems = draftProblems(draft);
    expect(problems.rows[first?.id ?? 0]).toEqual({ host: `"not a host" is not a host. ${HOST_RULE}`, ports: null });
    expect(problems.rows[second?.id ?? 0]).toEqual({ host: null, ports: expect.stringMatching(/^99999 is not a port/) });
    expect(rowProblems({ id: 0, host: '203.0.113.0/33', ports: '' }).host).toMatch(/is not a host/);
    expect(rowProblems({ id: 0, host: '203.0.113.0/24', ports: '' }).host).toBeNull();
  });

  it('refuses too many hosts', () => {
    let draft = draftFromPolicy({ ...allowlist, allow: [] });
    for (let i = 0; i <= MAX_ALLOW_ENTRIES; i++) draft = withRow(draft);
    expect(draftProblems(draft).allow).toBe(`At most ${MAX_ALLOW_ENTRIES} allowed hosts.`);
  });

  it('checks bandwidth where the agent has a network only', () => {
    const bad = { ...draftFromPolicy(FALLBACK_POLICY), ingress: '100MB', egress: ' 5Mbit ' };
    expect(draftProblems(bad).ingress).toBe(`"100MB" is not a bandwidth. ${BANDWIDTH_RULE}`);
    expect(draftProblems(bad).egress).toBeNull();
    expect(policyFromDraft({ ...bad, ingress: '' }).egress).toBe('5Mbit');
    const none = withMode(bad, 'none');
    expect(draftValid(none)).toBe(true);
    expect(policyFromDraft(none)).toEqual({ mode: 'none', allow: [], ingress: '', egress: '' });
  });

  it('tells policies apart', () => {
    expect(samePolicy(allowlist, { ...allowlist, allow: allowlist.allow.slice(0, 2) })).toBe(false);
    expect(samePolicy(allowlist, { ...allowlist, allow: [{ host: 'api.anthropic.com', ports: [80] }, ...allowlist.allow.slice(1)] })).toBe(false);
    expect(samePolicy(allowlist, { ...allowlist, egress: '1Gbit' })).toBe(false);
    expect(samePolicy(allowlist, structuredClone(allowlist))).toBe(true);
  });
});

describe('network summary', () => {
  it('names the mode, address, bridge and allowed hosts', () => {
    expect(networkSummary({ policy: allowlist, bridge: 'enclave-allow', address: '10.181.0.12' })).toEqual([
      'Network: allowlist. Only the listed hosts and ports; everything else is blocked.',
      'Address: 10.181.0.12',
      'Bridge: enclave-allow',
      'Allowed: api.anthropic.com:443; 203.0.113.0/24 (any port); 203.0.113.7:443,80',
      'Bandwidth: in 100Mbit, out unlimited',
    ]);
    expect(networkSummary({ policy: FALLBACK_POLICY, bridge: null, address: null })).toEqual([
      'Network: restricted. Internet only: private ranges, the host and cloud metadata are blocked.',
      'Address: none yet',
      'Bridge: none',
    ]);
    expect(networkSummary({ policy: { ...FALLBACK_POLICY, mode: 'none' }, bridge: null, address: null })).toHaveLength(1);
  });
});
