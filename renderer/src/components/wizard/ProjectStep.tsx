import { ProjectFields } from '../project/ProjectFields.js';
import type { StepProps } from './step-props.js';

/** The project to bring into /workspace: none, a copy (the default once a folder is chosen) or a live mount. */
export function ProjectStep({ draft, change, context, recheckProject, go }: StepProps) {
  return (
    <div className="wizard-step-body" data-testid="wizard-project">
      <p className="wizard-lede">
        Your project in the agent at /workspace. A copy is the agent&rsquo;s own: its changes are reviewed in the Changes panel and come back to your
        repository as a branch only when you say so.
      </p>
      <ProjectFields
        draft={draft.project}
        onChange={(project) => change({ ...draft, project })}
        inspect={context.project ?? { state: 'idle' }}
        recheck={recheckProject}
        allowNone
        raiseDiskWhere="on the Limits step"
        raiseDisk={() => go('limits')}
      />
    </div>
  );
}
