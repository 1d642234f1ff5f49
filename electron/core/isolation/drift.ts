import type { IsolationProblem } from '../../../shared/types.js';
import type { Instance } from '../../incus/instances.js';

/** What in an instance's expanded config and devices breaks Enclave's isolation. */
export function isolationProblems(inst: Pick<Instance, 'config' | 'expanded_config' | 'devices' | 'expanded_devices' | 'profiles'>): IsolationProblem[] {
  void inst;
  return [];
}
