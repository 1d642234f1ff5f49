import { useId } from 'react';
import { secretNames } from '../../../../shared/templates.js';
import { imagesViewAvailable, showImagesFor } from '../../images-link.js';
import { imagePresent, missingImageText } from '../../lib/wizard.js';
import { useTemplates } from '../../stores/templates.js';
import type { StepProps } from './step-props.js';

export function TemplateStep({ draft, template, templates, pickTemplate, context, manageTemplates, leave }: StepProps) {
  const group = useId();
  const errors = useTemplates((s) => s.list?.errors ?? []);
  const missing = template !== null && imagePresent(template.image, context.images) === false;
  const canBuild = imagesViewAvailable();
  return (
    <div className="wizard-step-body">
      <div className="wizard-template-head">
        <p className="wizard-lede">What the agent runs, on which image, with which secrets, limits and network.</p>
        <button type="button" className="button button-small" data-testid="manage-templates" onClick={manageTemplates}>
          Templates…
        </button>
      </div>
      {errors.length > 0 && (
        <p className="field-problem wizard-template-errors" data-testid="wizard-template-errors">
          {errors.length === 1 ? 'A template file did not load' : `${errors.length} template files did not load`}: Templates… says why.
        </p>
      )}
      {missing && template && (
        <div className="wizard-missing-image" data-testid="wizard-missing-image" role="alert">
          <span>{missingImageText(template.image)}</span>
          <button
            type="button"
            className="button button-small"
            data-testid="wizard-build-image"
            disabled={!canBuild}
            title={canBuild ? `Build ${template.image} in the images view` : 'This build of Enclave has no images view yet'}
            onClick={() => {
              showImagesFor(template);
              leave();
            }}
          >
            Open Images
          </button>
        </div>
      )}
      <div className="template-choices" role="radiogroup" aria-label="Template">
        {templates.map((t) => {
          const checked = t.id === draft.templateId;
          const absent = imagePresent(t.image, context.images) === false;
          const needs = secretNames(t);
          return (
            <label key={t.id} className={checked ? 'template-choice is-checked' : 'template-choice'} data-testid={`template-choice-${t.id}`}>
              <input type="radio" name={group} value={t.id} checked={checked} onChange={() => pickTemplate(t)} />
              <span className="template-choice-name">
                {t.name}
                {!t.builtin && <span className="badge">yours</span>}
              </span>
              <span className="template-choice-description">{t.description || (t.command ? `Runs ${t.command}` : 'A login shell')}</span>
              <span className="template-choice-facts">
                <span className={absent ? 'template-image is-missing' : 'template-image'} title={absent ? missingImageText(t.image) : `Image ${t.image}`}>
                  {t.image}
                  {absent && ' · not here'}
                </span>
                {needs.length > 0 && <span>needs {needs.join(' or ')}</span>}
              </span>
            </label>
          );
        })}
      </div>
    </div>
  );
}
