import { DEFAULT_BUILD_BASE, builderPolicy, defaultImageVersion, provisionScript } from '../../../shared/images.js';
import type { AgentCli } from '../../../shared/templates.js';
import type { NetworkPolicy } from '../../../shared/types.js';
import type { BuildRequest } from './builder.js';

/**
 * A build as images.build asks for it, with what it leaves out filled in: a version from the
 * date, the enclave-agent base, the built-in script for the CLIs, and a network that reaches
 * the package registries only.
 */
export function buildRequest(
  args: { alias: string; version?: string | undefined; base?: string | undefined; installs: AgentCli[]; script?: string | undefined; network?: NetworkPolicy | undefined },
  now: Date,
): BuildRequest {
  return {
    alias: args.alias,
    version: args.version ?? defaultImageVersion(now),
    base: args.base ?? DEFAULT_BUILD_BASE,
    installs: args.installs,
    script: args.script ?? provisionScript(args.installs),
    network: args.network ?? builderPolicy(args.installs),
  };
}
