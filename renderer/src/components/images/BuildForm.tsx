import { type FormEvent, useId, useMemo, useState } from 'react';
import {
  CLI_INSTALLS,
  DEFAULT_AGENTS_ALIAS,
  DEFAULT_BUILD_BASE,
  MAX_SCRIPT_CHARS,
  builderPolicy,
  defaultImageVersion,
  imageAliasProblem,
  imageVersionProblem,
  provisionScript,
} from '../../../../shared/images.js';
import { AGENT_CLIS, type AgentCli } from '../../../../shared/templates.js';
import type { ImageInfo, MissingImage } from '../../../../shared/types.js';
import { startBuild } from '../../image-actions.js';
import { usePendingCall } from '../../hooks/usePendingCall.js';
import { InlineError } from '../InlineError.js';

type NetworkChoice = 'registries' | 'none';

interface BuildFormProps {
  images: readonly ImageInfo[];
  preset: MissingImage | null;
  onClose(): void;
}

function presetInstalls(preset: MissingImage | null): AgentCli[] {
  if (!preset) return ['claude-code', 'codex', 'gemini', 'opencode'];
  return AGENT_CLIS.filter((c) => preset.installs.includes(c));
}

export function BuildForm({ images, preset, onClose }: BuildFormProps) {
  const ids = { alias: useId(), version: useId(), base: useId(), network: useId(), script: useId() };
  const [alias, setAlias] = useState(preset?.image ?? DEFAULT_AGENTS_ALIAS);
  const [version, setVersion] = useState('');
  const [base, setBase] = useState(DEFAULT_BUILD_BASE);
  const [installs, setInstalls] = useState<AgentCli[]>(() => presetInstalls(preset));
  const [network, setNetwork] = useState<NetworkChoice>('registries');
  const [script, setScript] = useState(() => provisionScript(presetInstalls(preset)));
  const [edited, setEdited] = useState(false);
  const { busy, error, run, clearError } = usePendingCall();
  const suggestedVersion = useMemo(() => defaultImageVersion(new Date()), []);

  const aliasProblem = imageAliasProblem(alias);
  const versionProblem = version ? imageVersionProblem(version) : null;
  const scriptProblem = script.trim() === '' ? 'The provision script is empty.' : script.length > MAX_SCRIPT_CHARS ? `A provision script is at most ${MAX_SCRIPT_CHARS} characters.` : null;
  const bases = images.filter((i) => i.aliases.length > 0);
  const hosts = builderPolicy(installs).allow.map((a) => a.host);
  const notes = installs.map((c) => CLI_INSTALLS[c].note).filter(Boolean);

  const toggle = (cli: AgentCli, on: boolean) => {
    const next = AGENT_CLIS.filter((c) => (c === cli ? on : installs.includes(c)));
    setInstalls(next);
    if (!edited) setScript(provisionScript(next));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (aliasProblem || versionProblem || scriptProblem || busy) return;
    run(() => startBuild({ alias, version, base, installs, script, network: network === 'none' ? { mode: 'none', allow: [], ingress: '', egress: '' } : null }), onClose);
  };

  return (
    <form className="build-form" data-testid="build-form" onSubmit={submit} noValidate aria-label="Build an agent image">
      <h2 className="images-section-title">Build an agent image</h2>
      <p className="field-hint build-form-intro">
        A builder container starts from the base image, runs the provision script as root, and is published under the alias with the version. A failed build keeps its log and its builder until you dismiss it.
      </p>
      <div className="build-form-grid">
        <div className="field">
          <label htmlFor={ids.alias}>Alias</label>
          <input id={ids.alias} data-testid="build-alias" value={alias} onChange={(e) => setAlias(e.target.value)} aria-invalid={aliasProblem !== null} spellCheck={false} autoComplete="off" />
          {aliasProblem ? <p className="field-problem">{aliasProblem}</p> : <p className="field-hint">An existing alias moves to the new image; the old one stays for agents that use it.</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.version}>
            Version <span className="optional">(optional)</span>
          </label>
          <input id={ids.version} data-testid="build-version" value={version} placeholder={suggestedVersion} onChange={(e) => setVersion(e.target.value)} aria-invalid={versionProblem !== null} spellCheck={false} autoComplete="off" />
          {versionProblem ? <p className="field-problem">{versionProblem}</p> : <p className="field-hint">Stored as the image property user.enclave.image-version.</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.base}>Base image</label>
          <select id={ids.base} data-testid="build-base" value={base} onChange={(e) => setBase(e.target.value)}>
            {!bases.some((i) => i.aliases.includes(base)) && <option value={base}>{base}</option>}
            {bases.map((i) => (
              <option key={i.fingerprint} value={i.aliases[0]}>
                {i.aliases[0]}
              </option>
            ))}
          </select>
          <p className="field-hint">The script runs with bash; the base image needs it.</p>
        </div>
        <div className="field">
          <label htmlFor={ids.network}>Builder network</label>
          <select id={ids.network} data-testid="build-network" value={network} onChange={(e) => setNetwork(e.target.value as NetworkChoice)}>
            <option value="registries">Package registries only</option>
            <option value="none">No network</option>
          </select>
          <p className="field-hint">{network === 'registries' ? `Allowlist: ${hosts.join(', ')}.` : 'For a script that needs nothing from outside.'}</p>
        </div>
      </div>
      <fieldset className="build-clis">
        <legend>Agent CLIs</legend>
        {AGENT_CLIS.map((cli) => (
          <label key={cli} className="build-cli">
            <input type="checkbox" data-testid={`build-cli-${cli}`} checked={installs.includes(cli)} onChange={(e) => toggle(cli, e.target.checked)} />
            {CLI_INSTALLS[cli].label} <span className="build-cli-package">{CLI_INSTALLS[cli].package}</span>
          </label>
        ))}
        {notes.map((n) => (
          <p key={n} className="build-note" data-testid="build-cli-note">
            {n}
          </p>
        ))}
      </fieldset>
      <div className="field">
        <div className="build-script-head">
          <label htmlFor={ids.script}>Provision script</label>
          <button
            type="button"
            className="button button-small"
            data-testid="build-script-reset"
            disabled={!edited}
            onClick={() => {
              setScript(provisionScript(installs));
              setEdited(false);
            }}
          >
            Use the built-in script
          </button>
        </div>
        <textarea
          id={ids.script}
          className="build-script"
          data-testid="build-script"
          value={script}
          spellCheck={false}
          rows={14}
          onChange={(e) => {
            setScript(e.target.value);
            setEdited(true);
          }}
          aria-invalid={scriptProblem !== null}
        />
        {scriptProblem ? <p className="field-problem">{scriptProblem}</p> : <p className="field-hint">{edited ? 'Your script: the CLI choices no longer change it.' : 'The built-in script for the CLIs chosen above.'}</p>}
      </div>
      {error && <InlineError message={error} testId="build-form-error" onDismiss={clearError} />}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="build-start" disabled={busy || aliasProblem !== null || versionProblem !== null || scriptProblem !== null} aria-busy={busy}>
          Build image
        </button>
      </div>
    </form>
  );
}
