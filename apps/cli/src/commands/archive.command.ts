import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import {
  adoptLegacyRows,
  AuditRepository,
  BlobStore,
  buildExport,
  RetentionService,
  verifyArchive,
  verifyExport,
  type ExportBundle,
} from '#archive';
import { loadConfig } from '#config';
import { DxError } from '#contracts';
import { TrustStore } from '#pki';
import { createDataSource } from '#store';
import { clientFor } from '../client-for.js';
import { progressBar } from '../progress.js';
import { endpoints } from './ops.command.js';

const collect = (v: string, all: string[] = []): string[] => [...all, v];
const trustOf = (files?: string[]) => (files?.length ? TrustStore.fromFiles(files) : undefined);
/** Who an operator command acts as, for legal holds and the audit log. */
const operator = (): string => process.env.DOCAXIS_OPERATOR ?? `operator:${userInfo().username}`;

/** Operator commands read the hub's Postgres directly: the local hub's, the --axis's, or DATABASE_URL. */
async function withDb<T>(cmd: Command, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = createDataSource(endpoints(cmd).databaseUrl, 2);
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Archivist credentials in the environment: the export then goes over HTTP and the gateway audits it. */
const archivistEnv = (): boolean => Boolean(process.env.DOCAXIS_GATEWAY_URL && process.env.DOCAXIS_SYSTEM_ID);

async function exportOverHttp(cmd: Command, docId: string): Promise<ExportBundle> {
  const stateDir = resolve(cmd.optsWithGlobals<{ stateDir: string }>().stateDir);
  const { answer } = await clientFor(stateDir).call<ExportBundle>(
    `/archive/documents/${encodeURIComponent(docId)}/export`,
    { method: 'GET' },
  );
  if (answer.status !== 'OK' || !answer.data) {
    const fail = answer as { ErrorCode?: string; ErrorDesc?: string };
    throw new DxError(fail.ErrorCode ?? 'INTERNAL', fail.ErrorDesc ?? 'no export in the answer');
  }
  return answer.data;
}

/** The `docaxis archive` group: integrity (verify, export), retention and legal hold; search/stats/evidence plug in. */
export function registerArchiveCommands(
  program: Command,
  extensions: ((archive: Command) => void)[] = [],
): void {
  const archive = program
    .command('archive')
    .description('the archive: verify its hash chain, export provable originals, retention and legal holds');

  archive
    .command('verify')
    .option('--from <seq>', 'start at this chain seq (the audit log is always checked whole)')
    .option(
      '--trust <ca.pem>',
      'also check the seal chain of each checkpoint against these anchors; repeatable',
      collect,
    )
    .description(
      'recompute the archive chain and the audit log from the live rows; names every altered, inserted or deleted record; exit 1 when any',
    )
    .action(async (opts: { from?: string; trust?: string[] }, cmd: Command) => {
      const report = await withDb(cmd, async (ds) => {
        const bar = progressBar('verify');
        try {
          return await verifyArchive(ds, {
            fromSeq: opts.from ? Number(opts.from) : undefined,
            trust: trustOf(opts.trust),
            blobs: new BlobStore(ds),
            onProgress: (d, t) => bar.update(d, t),
          });
        } finally {
          bar.done();
        }
      });
      for (const p of report.problems) console.log(p);
      console.log(
        `${report.problems.length ? 'FAILED' : 'OK'}: ${report.records} chain records, ${report.checkpoints} checkpoints` +
          ` (last at seq ${report.lastCheckpoint ?? '-'}), ${report.auditRows} audit rows, ${report.problems.length} problem(s)`,
      );
      if (report.problems.length) process.exitCode = 1;
    });

  archive
    .command('adopt-legacy')
    .description(
      'chain the packages and events archived before the hash chain existed (once, after upgrading); later rows are never adopted',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const n = await withDb(cmd, (ds) => adoptLegacyRows(ds));
      console.log(`chained ${n.packages} package(s) and ${n.events} event(s) archived before the chain`);
    });

  archive
    .command('export')
    .argument('<docId>', 'the hub DocId of the archived package')
    .requiredOption('-o, --output <file>', 'where to write the export (JSON)')
    .description(
      'write the original with its chain record, the chain to the next signed checkpoint and the checkpoint; over HTTP as the archivist of DOCAXIS_GATEWAY_URL/DOCAXIS_SYSTEM_ID, else from the hub database as operator (both audited)',
    )
    .action(async (docId: string, opts: { output: string }, cmd: Command) => {
      const bundle = archivistEnv()
        ? await exportOverHttp(cmd, docId)
        : await withDb(cmd, async (ds) => {
            const b = await buildExport(ds, docId, new BlobStore(ds));
            await new AuditRepository(ds).append({
              at: new Date(),
              actorSystemId: operator(),
              actorRole: 'operator',
              action: 'export',
              route: 'cli archive export',
              target: docId,
              filters: {},
              result: 'ok',
            });
            return b;
          });
      writeFileSync(opts.output, JSON.stringify(bundle, null, 2));
      console.log(
        `${opts.output}: package ${bundle.docId}, sha256 ${bundle.record.sha256}, chain seq ${bundle.chain[0]?.seq}..${bundle.checkpoint.seq}`,
      );
    });

  archive
    .command('hold')
    .argument('<docId>', 'the hub DocId of the archived package')
    .option('--reason <text>', 'why the package must be kept (required to place a hold)')
    .option('--release', 'release the active hold instead')
    .description('place (or --release) a legal hold: a package under hold is never removed by retention')
    .action(async (docId: string, opts: { reason?: string; release?: boolean }, cmd: Command) => {
      const hold = await withDb(cmd, (ds) => {
        const svc = new RetentionService(ds);
        if (opts.release) return svc.release(docId, operator());
        if (!opts.reason) throw new DxError('BAD_REQUEST', 'give --reason to place a hold (or --release)');
        return svc.hold(docId, opts.reason, operator());
      });
      console.log(
        hold.releasedAt
          ? `${docId}: hold released by ${hold.releasedBy} at ${hold.releasedAt.toISOString()}`
          : `${docId}: under legal hold since ${hold.since.toISOString()} (${hold.reason}, by ${hold.placedBy})`,
      );
    });

  const retention = archive.command('retention').description('retention periods per document type');
  retention
    .command('set')
    .argument('<type>', 'the document TypeName (e.g. "Công văn")')
    .argument('<years>', 'whole years after acceptance, or "permanent"')
    .action(async (type: string, years: string, _o: unknown, cmd: Command) => {
      const y = years === 'permanent' ? null : Number(years);
      await withDb(cmd, (ds) => new RetentionService(ds).setPolicy(type, y));
      console.log(`${type}: ${y === null ? 'kept permanently' : `${y} year(s)`}`);
    });
  retention.command('list').action(async (_o: unknown, cmd: Command) => {
    const cfg = loadConfig();
    const policies = await withDb(cmd, (ds) => new RetentionService(ds).listPolicies());
    for (const p of policies) console.log(`${p.documentType}\t${p.years ?? 'permanent'}`);
    console.log(`(other types)\t${cfg.retentionDefaultYears || 'permanent'}`);
  });
  retention
    .command('apply')
    .option('--dry-run', 'only list what would be removed')
    .option('--now <iso>', 'decide as of this time (default: now)')
    .description(
      'remove the payload bytes of packages past their period and not under legal hold; metadata, SHA-256 and a tombstone in the chain stay',
    )
    .action(async (opts: { dryRun?: boolean; now?: string }, cmd: Command) => {
      const now = opts.now ? new Date(opts.now) : new Date();
      if (Number.isNaN(now.getTime())) throw new DxError('BAD_REQUEST', `--now ${opts.now} is not a time`);
      const run = await withDb(cmd, async (ds) => {
        const bar = progressBar('retention');
        try {
          return await new RetentionService(ds, loadConfig().retentionDefaultYears).apply({
            now,
            dryRun: opts.dryRun,
            onProgress: (d, t) => bar.update(d, t),
          });
        } finally {
          bar.done();
        }
      });
      const verb = opts.dryRun ? 'would remove' : 'removed';
      for (const c of run.removed) console.log(`${verb} ${c.docId} (${c.typeName ?? '-'}, ${c.years} y)`);
      for (const c of run.held) console.log(`held ${c.docId} (${c.typeName ?? '-'}): under legal hold, kept`);
      console.log(`${run.removed.length} ${verb}, ${run.held.length} kept under hold`);
    });

  for (const extend of extensions) extend(archive);
}

/** `docaxis verify-export FILE`: checks an export with no hub at all. */
export function registerVerifyExportCommand(program: Command): void {
  program
    .command('verify-export')
    .argument('<file>', 'a file written by `docaxis archive export`')
    .option(
      '--trust <ca.pem>',
      "check the seal's certificate chain against these anchors; repeatable",
      collect,
    )
    .description(
      'check an archive export offline: bytes, record, chain links, checkpoint signature; exit 1 on any problem',
    )
    .action((file: string, opts: { trust?: string[] }) => {
      const check = verifyExport(readFileSync(file), { trust: trustOf(opts.trust) });
      for (const p of check.problems) console.log(p);
      if (check.problems.length) {
        console.log(`FAILED: ${file}: ${check.problems.length} problem(s)`);
        process.exitCode = 1;
        return;
      }
      console.log(
        `OK: package ${check.docId}, sha256 ${check.sha256}, chained to checkpoint ${check.checkpointSeq}` +
          ` sealed by ${check.sealedBy ?? '?'}${opts.trust?.length ? ' (seal chain trusted)' : ' (seal chain not checked: no --trust)'}`,
      );
    });
}
