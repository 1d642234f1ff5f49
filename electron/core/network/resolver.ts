import { lookup as dnsLookup } from 'node:dns/promises';
import { isIPv4, isIPv4Cidr } from '../../../shared/network.js';
import type { AllowEntry } from '../../../shared/types.js';
import type { ResolvedAllow } from './acl-rules.js';

export type Lookup = (name: string) => Promise<string[]>;

/** IPv4 addresses of a name through the system resolver, bounded in time. */
export const systemLookup: Lookup = async (name) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
  });
  try {
    const found = await Promise.race([dnsLookup(name, { all: true, family: 4 }), timeout]);
    return found.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
};

export interface Resolution {
  allow: ResolvedAllow[];
  /** Names that did not resolve this time, with the reason and the addresses kept for them. */
  failures: { host: string; reason: string; kept: string[] }[];
}

/**
 * Allowlist hosts → addresses. Addresses and networks pass through; names are looked up,
 * and a name that fails keeps the addresses it last resolved to (none the first time).
 */
export class AllowResolver {
  private readonly last = new Map<string, string[]>();

  constructor(private readonly lookup: Lookup = systemLookup) {}

  async resolve(entries: readonly AllowEntry[]): Promise<Resolution> {
    const failures: Resolution['failures'] = [];
    const allow = await Promise.all(
      entries.map(async (e): Promise<ResolvedAllow> => {
        if (isIPv4(e.host)) return { destinations: [`${e.host}/32`], ports: e.ports };
        if (isIPv4Cidr(e.host)) return { destinations: [e.host], ports: e.ports };
        try {
          const found = [...new Set(await this.lookup(e.host))].filter(isIPv4).sort();
          if (!found.length) throw new Error('no IPv4 address');
          this.last.set(e.host, found);
          return { destinations: found.map((a) => `${a}/32`), ports: e.ports };
        } catch (err) {
          const kept = this.last.get(e.host) ?? [];
          failures.push({ host: e.host, reason: err instanceof Error ? err.message : String(err), kept });
          return { destinations: kept.map((a) => `${a}/32`), ports: e.ports };
        }
      }),
    );
    return { allow, failures };
  }
}
