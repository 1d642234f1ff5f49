import { z } from 'zod';
import { MAX_ALLOW_ENTRIES, MAX_ALLOW_PORTS, NETWORK_MODES, allowHostProblem, bandwidthProblem } from './network.js';
import { ruled } from './ruled.js';

const bandwidth = ruled(bandwidthProblem);
const allowEntry = z
  .object({
    host: ruled(allowHostProblem),
    ports: z
      .array(z.number().int().min(1, 'A port is from 1 to 65535.').max(65535, 'A port is from 1 to 65535.'))
      .max(MAX_ALLOW_PORTS, `At most ${MAX_ALLOW_PORTS} ports per host.`),
  })
  .strict();
/** A network policy as the contract accepts it. */
export const networkPolicy = z
  .object({
    mode: z.enum(NETWORK_MODES as [string, ...string[]] as ['none', 'restricted', 'allowlist', 'open'], {
      message: 'The network mode is none, restricted, allowlist or open.',
    }),
    allow: z.array(allowEntry).max(MAX_ALLOW_ENTRIES, `At most ${MAX_ALLOW_ENTRIES} allowed hosts.`),
    ingress: bandwidth,
    egress: bandwidth,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.mode === 'allowlist' && p.allow.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['allow'], message: 'An allowlist names at least one host.' });
    }
  });

