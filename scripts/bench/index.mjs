#!/usr/bin/env node
// docaxis benchmarks (not run in CI). Needs `npm run build` first; `npm run bench` does both.
// Usage: node scripts/bench/index.mjs [--docs N] [--runs R] [--keep DIR] [--only xmldsig,hub-load,archive-search]
//        [--quick] [--profile] [--size-mb M]
// `--only large-package` (not in the default set) sends one signed package of --size-mb (default 100) end to end.
// Each benchmark is a function below reporting a table; docs/benchmarks.md records what was measured.
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { searchBenchmark } from './archive-search.bench.mjs';
import { hubLoadBenchmark } from './hub-load.bench.mjs';
import { largePackageBenchmark } from './large-package.bench.mjs';
import { writeHubLoadReport } from './hub-load.report.mjs';
import { xmldsigBenchmark } from './xmldsig.bench.mjs';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
    keep: { type: 'string' },
    only: { type: 'string', default: 'xmldsig,hub-load,archive-search' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'size-mb': { type: 'string', default: '100' },
  },
});
const only = new Set(values.only.split(',').map((s) => s.trim()));

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  ramGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, node ${machine.node}`,
);

const dir = values.keep ?? mkdtempSync(path.join(tmpdir(), 'docaxis-bench-'));
// As root, Postgres runs as the OS user postgres, which must reach its data dir.
mkdirSync(dir, { recursive: true });
chmodSync(dir, 0o755);
// First, before the hub load warms the machine: one core, CPU time, a few seconds.
if (only.has('xmldsig')) await xmldsigBenchmark({ seconds: values.quick ? 1 : 3 });

if (only.has('hub-load')) {
  // Its own fresh hub in a temporary state dir, always removed: a kept one would carry the last run's rows.
  const hubDir = mkdtempSync(path.join(tmpdir(), 'docaxis-bench-hub-'));
  const loadAverage = loadavg()[0];
  try {
    const result = await hubLoadBenchmark({
      dir: hubDir,
      quick: values.quick,
      profile: values.profile,
    });
    const file = writeHubLoadReport(path.resolve(import.meta.dirname, '../..'), result, {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      command: `node scripts/bench/index.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      machine: `${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node.js ${machine.node}`,
      loadAverage,
    });
    console.log(`hub load: written to ${file}`);
  } finally {
    rmSync(hubDir, { recursive: true, force: true });
  }
}

if (only.has('large-package')) {
  // Its own fresh hub too, always removed.
  const hubDir = mkdtempSync(path.join(tmpdir(), 'docaxis-bench-large-'));
  try {
    await largePackageBenchmark({ dir: hubDir, sizeMiB: Number(values['size-mb']) });
  } finally {
    rmSync(hubDir, { recursive: true, force: true });
  }
}

try {
  if (only.has('archive-search'))
    await searchBenchmark({
      dataDir: path.join(dir, 'pg'),
      docs: Number(values.docs),
      runs: Number(values.runs),
    });
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
