/** Constants of the fault rig that code outside vitest (bench/soak.ts) uses too. */
import type { NetworkPolicy } from '../../shared/types.js';

export const NO_NETWORK: NetworkPolicy = { mode: 'none', allow: [], ingress: '', egress: '' };
export const FAULTS_PROJECT = 'enclave-faults';
