// CPU profiles of the hub's services (`--profile`): a preload starts the inspector's sampling profiler in each
// service and writes the profile when the service gets SIGTERM (at the end of the run). The summary
// lists where the samples fell: the top functions by self time and the share per library / package.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// --cpu-prof is not allowed in NODE_OPTIONS, so a preload profiles through the inspector instead.
const PRELOAD = `// docaxis bench: CPU profile of a hub service, written when it gets SIGTERM (not the supervisor).
if (/[\\\\/]apps[\\\\/][^\\\\/]+[\\\\/]src[\\\\/]main\\.js$/.test(process.argv[1] ?? '')) {
  const { Session } = require('node:inspector');
  const { writeFileSync } = require('node:fs');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.once('SIGTERM', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(process.env.DOCAXIS_BENCH_PROFILE_DIR + '/CPU.0.0.' + process.pid + '.0.0.cpuprofile', JSON.stringify(res.profile));
      process.exit(0);
    });
  });
}
`;

/** NODE_OPTIONS for the hub's processes, and the env they need, writing profiles into `dir`. */
export function profilingEnv(dir) {
  const preload = path.join(dir, 'profile-preload.cjs');
  writeFileSync(preload, PRELOAD);
  return { NODE_OPTIONS: `--require=${preload}`, DOCAXIS_BENCH_PROFILE_DIR: dir };
}

/** Where a sample's function lives: dist/libs/<lib>, dist/apps/<app>, node_modules/<pkg>, node: or (gc) etc. */
function ownerOf(url) {
  if (!url) return '(native/gc/idle)';
  const lib = url.match(/dist\/(libs|apps)\/([^/]+)/);
  if (lib) return `${lib[1]}/${lib[2]}`;
  const mod = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (mod) return mod[1];
  if (url.startsWith('node:')) return 'node core';
  return url;
}

/** Summaries of every profile in `dir` whose process ran `pids[name]`. */
export function summarizeProfiles(dir, pids) {
  const out = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const pid = Number(f.split('.')[3]);
    const name = Object.entries(pids).find(([, p]) => p === pid)?.[0];
    if (!name) continue;
    const prof = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    const total = prof.samples.length || 1;
    const self = new Map();
    const owners = new Map();
    for (const n of prof.nodes) {
      if (!n.hitCount) continue;
      const fn = n.callFrame.functionName || '(anonymous)';
      const idle = fn === '(idle)' || fn === '(program)';
      const owner = idle ? '(idle)' : ownerOf(n.callFrame.url);
      const key = idle ? fn : `${fn} (${owner}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''})`;
      self.set(key, (self.get(key) ?? 0) + n.hitCount);
      owners.set(owner, (owners.get(owner) ?? 0) + n.hitCount);
    }
    const top = (m, k) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([key, hits]) => ({ key, share: hits / total }));
    out[name] = { functions: top(self, 12), owners: top(owners, 10), samples: total };
  }
  return out;
}
