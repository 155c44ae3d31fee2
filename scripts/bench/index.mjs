#!/usr/bin/env node
// docaxis benchmarks (not run in CI). Needs `npm run build` first; `npm run bench` does both.
// Usage: node scripts/bench/index.mjs [--docs N] [--runs R] [--keep DIR]
// Each benchmark is a function below reporting a table; docs/benchmarks.md records what was measured.
import { cpus, totalmem, tmpdir } from 'node:os';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { searchBenchmark } from './archive-search.bench.mjs';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
    keep: { type: 'string' },
  },
});

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
try {
  await searchBenchmark({
    dataDir: path.join(dir, 'pg'),
    docs: Number(values.docs),
    runs: Number(values.runs),
  });
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
