// A fake backend for looking at the Changes panel without Incus or the workspace backend: the
// built renderer (dist/renderer) served on 127.0.0.1, with window.enclave replaced before the
// app loads by an in-page bridge that answers from generated data (agents with a copy, a mount,
// a stopped one, a rewritten history, none; a change of N files with every kind of badge).
// Used by scripts/changes-shots.mjs (pictures into a folder outside the repo) and by
// bench/render-scale.ts --changes (the 1,000-file case). Nothing leaves this machine.
/* global window, btoa, setTimeout, TextEncoder */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { URL } from 'node:url';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json' };

/** Serves `root` on 127.0.0.1 at a free port; resolves to its URL and a close(). */
export function serveStatic(root) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, rel);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/**
 * Runs in the page (page.addInitScript(installFakeBackend, options)) before the app: defines
 * window.enclave. Self-contained: Playwright sends only this function's source.
 * options: { files: number (changes of agent "web"), now: number (ms), changesDelayMs?: number
 * (the first workspace.changes answer of each agent comes this much later) }.
 */
export function installFakeBackend(options) {
  const now = options.now;
  const FILES = options.files;
  const listeners = new Map();
  const emit = (event, payload) => (listeners.get(event) ?? []).forEach((l) => l(payload));
  const sha = (seed) => {
    let h = 2166136261 >>> 0;
    let out = '';
    for (let round = 0; out.length < 40; round++) {
      for (const ch of `${seed}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
      out += h.toString(16).padStart(8, '0');
    }
    return out.slice(0, 40);
  };
  const idOf = (path) => {
    const bytes = new TextEncoder().encode(path);
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  };
  const BASE = sha('base');
  const iso = (ms) => new Date(ms).toISOString();

  const limits = { cpu: '2', memory: '2GiB', processes: '', disk: '10GiB' };
  const network = { policy: { mode: 'restricted', allow: [], ingress: '', egress: '' }, bridge: 'enclave-restr', address: '10.77.0.12' };
  const agent = (name, status, workspace, minutesAgo) => ({
    name, status, image: 'Enclave agent (Debian 12)', createdAt: iso(now - minutesAgo * 60_000), lastStartedAt: status === 'Running' ? iso(now - 30 * 60_000) : null,
    managed: true, description: '', meta: {}, clonedFrom: null, snapshotSchedule: { schedule: '', expiry: '' }, limits, network, isolation: [], workspace,
  });
  const copy = (name, base = BASE) => ({ mode: 'copy', source: '/home/dev/projects/shop', kind: 'git', base, branch: `enclave/${name}`, readOnly: false });
  const agents = [
    agent('web', 'Running', copy('web'), 180),
    agent('api', 'Running', copy('api'), 160),
    agent('docs', 'Running', { mode: 'mount', source: '/home/dev/projects/handbook', kind: 'git', base: sha('docs'), branch: null, readOnly: false }, 140),
    agent('legacy', 'Stopped', copy('legacy', sha('old')), 400),
    agent('rewrite', 'Running', copy('rewrite'), 120),
    agent('bare', 'Running', null, 90),
  ];

  // ---- the files agent "web" changed ----
  const code = (n, tag) => {
    const lines = [`import { thing } from './thing.js';`, '', `/** Module ${tag}. */`];
    for (let i = 0; i < n; i++) lines.push(i % 7 === 0 ? `export function step${i}(value: number): number {` : i % 7 === 6 ? '}' : `  const v${i} = thing(value + ${i}); // ${tag}`);
    return lines.join('\n') + '\n';
  };
  const special = [
    { path: 'src/cart/checkout.ts', status: 'modified', kind: 'code' },
    { path: 'src/cart/price-rules.ts', status: 'added', kind: 'code', uncommitted: true },
    { path: 'src/legacy/coupon.ts', status: 'deleted', kind: 'code' },
    { path: 'src/ui/Basket.tsx', status: 'renamed', kind: 'code', from: 'src/ui/Cart.tsx' },
    { path: 'assets/logo.png', status: 'modified', kind: 'binary' },
    { path: 'vendor/payments', status: 'modified', kind: 'submodule' },
    { path: 'data/catalog.bin', status: 'modified', kind: 'lfs' },
    { path: 'docs/über-naïve résumé.md', status: 'added', kind: 'code', uncommitted: true },
    { path: 'notes/odd\\nname.txt', status: 'added', kind: 'code', uncommitted: true },
    { path: 'generated/schema.json', status: 'modified', kind: 'huge' },
    { path: 'dist/app.min.js', status: 'modified', kind: 'minified' },
  ];
  const specs = [];
  for (let i = 0; i < FILES; i++) {
    const s = special[i];
    specs.push(s ?? { path: `src/modules/m${String(Math.floor(i / 20)).padStart(3, '0')}/part-${i}.ts`, status: i % 9 === 0 ? 'added' : 'modified', kind: 'code' });
  }
  const fileOf = (s, i) => {
    const binary = s.kind === 'binary' || s.kind === 'submodule' || s.kind === 'lfs';
    return {
      path: s.path, id: idOf(s.path), status: s.status, from: s.from ? { path: s.from, id: idOf(s.from) } : null, binary: s.kind === 'binary',
      additions: binary && s.kind === 'binary' ? null : s.kind === 'huge' ? 800 : s.status === 'deleted' ? 0 : 3 + (i % 17),
      deletions: binary && s.kind === 'binary' ? null : s.kind === 'huge' ? 800 : s.status === 'added' ? 0 : i % 5,
      uncommitted: !!s.uncommitted, special: s.kind === 'submodule' ? 'submodule' : s.kind === 'lfs' ? 'lfs' : null,
    };
  };
  const webFiles = specs.map(fileOf);
  const commits = [
    { sha: sha('c4'), subject: 'Basket: rename Cart, show price rules', author: 'agent <agent@web>', at: iso(now - 12 * 60_000) },
    { sha: sha('c3'), subject: 'Remove the legacy coupon code', author: 'agent <agent@web>', at: iso(now - 40 * 60_000) },
    { sha: sha('c2'), subject: 'Checkout: validate the address before paying', author: 'agent <agent@web>', at: iso(now - 70 * 60_000) },
    { sha: sha('c1'), subject: 'Regenerate the schema', author: 'agent <agent@web>', at: iso(now - 95 * 60_000) },
  ];
  const changesOf = (name, over) => ({
    agent: name, state: 'ok', mode: 'copy', base: BASE, head: sha(`head-${name}`), branch: `enclave/${name}`, commits: [], files: [], truncated: false,
    uncommittedFiles: 0, fingerprint: sha(`fp-${name}`) + sha(`fp2-${name}`).slice(0, 24), readAt: now - 2000, message: null, ...over,
  });
  const apiFiles = [
    webFiles[0],
    { ...webFiles[1], uncommitted: false },
    fileOf({ path: 'src/api/routes.ts', status: 'modified', kind: 'code' }, 3),
    fileOf({ path: 'src/api/auth.ts', status: 'added', kind: 'code' }, 4),
  ];
  const changes = {
    web: changesOf('web', { commits, files: webFiles, uncommittedFiles: webFiles.filter((f) => f.uncommitted).length }),
    api: changesOf('api', { commits: commits.slice(0, 1), files: apiFiles }),
    docs: changesOf('docs', { mode: 'mount', base: sha('docs'), branch: 'main', files: [fileOf({ path: 'handbook/intro.md', status: 'modified', kind: 'code' }, 1)] }),
    legacy: changesOf('legacy', { state: 'stopped', head: null, message: 'legacy is stopped: start it to read its changes.' }),
    rewrite: changesOf('rewrite', {
      state: 'rewritten', commits: commits.slice(0, 2), files: webFiles.slice(0, 3),
      message: `The base commit ${BASE.slice(0, 7)} is no longer in the history of enclave/rewrite (the agent rebased or reset it).`,
    }),
    bare: changesOf('bare', { state: 'no-workspace', mode: null, base: null, head: null, branch: null, message: 'bare has no project.' }),
  };

  const textSide = (text) => ({ text, exists: true, binary: false, sizeBytes: text.length, truncated: false });
  const none = { text: null, exists: false, binary: false, sizeBytes: 0, truncated: false };
  const diffOf = (name, id) => {
    const file = (changes[name]?.files ?? []).find((f) => f.id === id) ?? webFiles.find((f) => f.id === id);
    if (!file) return null;
    const spec = specs.find((s) => s.path === file.path) ?? { kind: 'code', status: file.status };
    if (spec.kind === 'binary') return { path: file.path, id, old: { text: null, exists: true, binary: true, sizeBytes: 18_204, truncated: false }, new: { text: null, exists: true, binary: true, sizeBytes: 21_877, truncated: false } };
    if (spec.kind === 'submodule') return { path: file.path, id, old: textSide(`Subproject commit ${sha('sub1')}\n`), new: textSide(`Subproject commit ${sha('sub2')}\n`) };
    if (spec.kind === 'lfs') return { path: file.path, id, old: textSide(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha('l1')}${sha('l1').slice(0, 24)}\nsize 1048576\n`), new: textSide(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha('l2')}${sha('l2').slice(0, 24)}\nsize 2097152\n`) };
    if (spec.kind === 'huge') {
      // Regenerated: every tenth entry differs.
      const rows = (tag) => Array.from({ length: 8000 }, (_, i) => `  { "id": ${i}, "name": "item-${i}${i % 10 === 0 ? `-${tag}` : ''}" },`).join('\n');
      return { path: file.path, id, old: textSide(`[\n${rows('a')}\n]\n`), new: { ...textSide(`[\n${rows('b')}\n]\n`), truncated: true } };
    }
    if (spec.kind === 'minified') return { path: file.path, id, old: textSide(`!function(){${'var a=1;'.repeat(900)}}();\n`), new: textSide(`!function(){${'var b=2;'.repeat(900)}}();\n`) };
    const old = code(60, 'before');
    const next = old.replace(/\/\/ before/g, (m, at) => (at % 5 === 0 ? '// after: reviewed' : m)).replace('/** Module before. */', '/** Module after: now with price rules. */');
    const oldText = file.status === 'added' ? null : old;
    const newText = file.status === 'deleted' ? null : name === 'api' ? next.replace(/thing\(value/g, 'thing(2 * value') : next;
    return { path: file.path, id, old: oldText === null ? none : textSide(oldText), new: newText === null ? none : textSide(newText) };
  };

  const activity = {
    web: [
      { id: 'a1', agent: 'web', at: now - 150 * 60_000, kind: 'lifecycle', message: 'Created web with /home/dev/projects/shop (isolated copy)', actor: { kind: 'user' } },
      {
        id: 'a2', agent: 'web', at: now - 50 * 60_000, kind: 'workspace', message: 'Brought back 3 files as enclave/web', actor: { kind: 'user' },
        broughtBack: { agent: 'web', as: 'branch', commit: sha('c2'), base: BASE, branch: 'enclave/web', replaced: null, committedInside: false, files: [{ path: 'src/cart/checkout.ts', status: 'modified' }, { path: 'src/legacy/coupon.ts', status: 'deleted' }, { path: 'generated/schema.json', status: 'modified' }], filesTruncated: false },
      },
    ],
  };

  const settings = {
    snapshotDefaults: { schedule: '', expiry: '' },
    guardDefaults: { enabled: true, cpuPinnedSeconds: 60, memoryPercent: 90, processesPercent: 90, diskPercent: 90, forkRatePerSecond: 50, autoFreeze: false },
    defaultLimits: { cpu: '', memory: '', processes: '', disk: '' }, safetyExpiry: '7d', defaultNetwork: network.policy,
  };

  const answers = {
    'system.status': () => ({ state: 'connected', socketPath: '/var/lib/incus/unix.socket', serverVersion: '6.0.4', project: 'fixture', storageDrivers: ['btrfs'], warning: null }),
    'agents.list': () => agents,
    'terminals.list': () => [],
    'settings.get': () => settings,
    'snapshots.list': () => [],
    'guard.alerts': () => [],
    'agents.runStatus': () => [],
    'activity.list': ({ agent: name }) => activity[name] ?? [],
    'telemetry.focus': () => ({}),
    'telemetry.history': () => [],
    'templates.list': () => ({ templates: [], errors: [] }),
    'images.list': () => [],
    'images.missing': () => [],
    'images.builds': () => [],
    'workspace.changes': ({ agent: name }) => ({ ...changes[name], readAt: Date.now() }),
    'workspace.fileDiff': ({ agent: name, id, against }) => {
      const d = diffOf(name, id);
      if (!against) {
        if (!d) throw { code: 'not-found', message: 'That file is not among the changes.' };
        return d;
      }
      // This agent's version against the other's; a file one of them left alone is the base's there.
      const b = diffOf(against, id);
      const any = d ?? b;
      if (!any) throw { code: 'not-found', message: 'Neither agent changed that file.' };
      return { path: any.path, id, old: d ? d.new : any.old, new: b ? b.new : any.old };
    },
    'workspace.compare': ({ a, b }) => {
      const fa = changes[a]?.files ?? [];
      const fb = changes[b]?.files ?? [];
      const ids = [...new Set([...fa.map((f) => f.id), ...fb.map((f) => f.id)])];
      const files = ids.map((id) => {
        const x = fa.find((f) => f.id === id);
        const y = fb.find((f) => f.id === id);
        const f = x ?? y;
        return { path: f.path, id, inA: x ? x.status : null, inB: y ? y.status : null, same: !!x && !!y && x.path === 'src/cart/checkout.ts' };
      });
      return { a, b, base: BASE, sameBase: true, files: files.slice(0, 400), truncated: files.length > 400 };
    },
    'workspace.fetch': (args) => {
      const c = changes[args.agent];
      if (args.reviewed !== c.fingerprint) throw { code: 'conflict', message: 'The work changed since you reviewed it.' };
      const result = {
        agent: args.agent, as: args.as, commit: args.message ? sha('committed') : c.head, base: c.base, branch: args.as === 'branch' ? `enclave/${args.agent}` : null,
        replaced: args.force ? sha('was') : null, committedInside: !!args.message, files: c.files.slice(0, 200).map((f) => ({ path: f.path, status: f.status })), filesTruncated: c.files.length > 200,
      };
      setTimeout(() => emit('activity.added', { id: `a${Date.now()}`, agent: args.agent, at: Date.now(), kind: 'workspace', message: 'Brought back', actor: { kind: 'user' }, broughtBack: result }), 0);
      return result;
    },
  };
  const answered = new Set();
  const later = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));
  window.__fixture = { changes, emit };
  window.enclave = {
    async call(method, args) {
      const answer = answers[method];
      if (!answer) return { ok: false, error: { code: 'unknown-method', message: `${method} is not in the fixture.` } };
      try {
        let result = answer(args ?? {});
        if (method === 'workspace.changes' && options.changesDelayMs && !answered.has(args.agent)) {
          answered.add(args.agent);
          result = await later(options.changesDelayMs, result);
        }
        return { ok: true, result };
      } catch (error) {
        return { ok: false, error: { code: error.code ?? 'internal', message: error.message ?? String(error) } };
      }
    },
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener);
      listeners.set(event, list);
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== listener));
    },
  };
}
