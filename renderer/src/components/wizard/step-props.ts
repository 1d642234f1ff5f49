import type { TemplateInfo } from '../../../../shared/templates.js';
import type { StepContext, WizardDraft, WizardStepId } from '../../lib/wizard.js';

/** What every step view of the wizard is given. */
export interface StepProps {
  draft: WizardDraft;
  change(next: WizardDraft): void;
  template: TemplateInfo | null;
  templates: readonly TemplateInfo[];
  pickTemplate(template: TemplateInfo): void;
  context: StepContext;
  problem: string | null;
  /** Opens the templates manager over the wizard. */
  manageTemplates(): void;
  /** Leaves the wizard (e.g. for the images view). */
  leave(): void;
  /** Goes to another step (the project step's "Go to Limits"). */
  go(step: WizardStepId): void;
  /** Looks at the project folder again. */
  recheckProject(): void;
}
