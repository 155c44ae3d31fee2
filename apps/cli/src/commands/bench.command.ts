import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '#local-hub';

/**
 * `docaxis bench`: the same run as `npm run bench` (scripts/bench/index.mjs, on the built dist), by default only
 * the end-to-end hub load; it starts its own hub on free ports and writes docs/benchmarks.md.
 */
export function registerBenchCommands(program: Command): void {
  program
    .command('bench')
    .description(
      'measure the hub end to end under load (signed documents, many agencies) against the raw ceiling of ' +
        'this machine, and write docs/benchmarks.md',
    )
    .option('--quick', 'a shorter run (2–3 minutes on a busy 2-core machine; the default is about 6)')
    .option('--profile', 'CPU profiles of the services, summarised in docs/benchmarks.md')
    .option(
      '--only <names>',
      'benchmarks to run: hub-load, xmldsig, archive-search (comma-separated)',
      'hub-load',
    )
    .action(async (opts: { quick?: boolean; profile?: boolean; only: string }) => {
      const root = repoRoot();
      const args = [join(root, 'scripts/bench/index.mjs'), '--only', opts.only];
      if (opts.quick) args.push('--quick');
      if (opts.profile) args.push('--profile');
      // A child process, so the benchmark is exactly what `npm run bench` runs.
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
      });
      if (code !== 0) throw new Error(`the benchmark exited with code ${code}`);
    });
}
