import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DxError } from '#contracts';
import { TrustStore } from '#pki';
import { decodeReceipt, verifyReceipt, type ReceiptPayload } from '#trust';
import { clientFor } from '../client-for.js';

const stateDirOf = (cmd: Command): string => resolve(cmd.optsWithGlobals<{ stateDir: string }>().stateDir);
const axisOf = (cmd: Command): string | undefined => cmd.optsWithGlobals<{ axis?: string }>().axis;
const collect = (v: string, all: string[] = []): string[] => [...all, v];

/** The JWS given on the command line, or the content of the file it names. */
function receiptText(arg: string): string {
  const isFile = existsSync(arg) && statSync(arg).isFile();
  return (isFile ? readFileSync(arg, 'utf8') : arg).trim();
}

/**
 * Verifies a receipt: signature, the seal chain when trust anchors are given, and that a package file is the
 * one it attests. Throws DxError (SIG_*, CERT_*, HASH_MISMATCH).
 */
export function checkReceipt(jws: string, opts: { trust?: string[]; packageFile?: string }): ReceiptPayload {
  // Trust files may hold anchors, intermediates and CRLs (TrustStore.fromFiles).
  const trust = opts.trust?.length ? TrustStore.fromFiles(opts.trust) : undefined;
  const payload = verifyReceipt(jws, trust ? { trust } : {});
  if (opts.packageFile) {
    const sha256 = createHash('sha256').update(readFileSync(opts.packageFile)).digest('hex');
    if (sha256 !== payload.sha256) {
      throw new DxError(
        'HASH_MISMATCH',
        `${opts.packageFile} has SHA-256 ${sha256}, the receipt attests ${payload.sha256}`,
      );
    }
  }
  return payload;
}

export function registerReceiptCommands(program: Command): void {
  const receipt = program
    .command('receipt')
    .description("the hub's signed receipts (JWS sealed by the axis)");

  receipt
    .command('verify')
    .argument('<file-or-jws>', 'a receipt (JWS compact serialisation) or a file holding one')
    .option(
      '--trust <ca.pem>',
      'PEM file or directory of trust anchors (and intermediates, CRLs) for the seal chain; repeatable. Without it only the signature is checked',
      collect,
    )
    .option('--package <file>', 'the package the receipt should attest (its SHA-256 must match)')
    .description('verify a receipt; prints its payload and the verdict, exits 1 when it is not valid')
    .action((arg: string, opts: { trust?: string[]; package?: string }) => {
      const jws = receiptText(arg);
      const payload = checkReceipt(jws, { trust: opts.trust, packageFile: opts.package });
      const seal = decodeReceipt(jws).certificates[0];
      console.log(JSON.stringify(payload, null, 2));
      const checks = [
        `signature valid (seal ${seal.subject.replace(/\n/g, ', ')})`,
        opts.trust?.length ? 'seal chain trusted' : 'seal chain NOT checked (no --trust)',
        ...(opts.package ? [`package SHA-256 matches`] : []),
      ];
      console.log(`valid: ${checks.join('; ')}`);
    });

  receipt
    .command('list')
    .argument('<docId>', 'DocId of a package sent or received')
    .option('--as <agency>', 'agency whose system asks (default: found among the demo systems)')
    .description('the receipts of a DocId the system may see (one JWS per line after its summary)')
    .action(async (docId: string, opts: { as?: string }, cmd: Command) => {
      const client = clientFor(stateDirOf(cmd), opts.as, axisOf(cmd));
      const items = await client.getReceipts(docId, opts.as);
      if (!items.length) console.log(`no receipts for ${docId} (the hub may have no seal configured)`);
      for (const r of items) {
        const who = r.agency ? ` ${r.agency} ${r.ackStatus}` : '';
        console.log(`${r.created_time}  ${r.kind}${who}  ${r.receiptId}\n${r.receipt}`);
      }
    });
}
