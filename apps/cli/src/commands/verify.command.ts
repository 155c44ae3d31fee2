import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DxError } from '#contracts';
import { parseEdxml } from '#edxml';
import { TrustStore } from '#pki';
import { verifyPackageSignature, type SignerSummary } from '#trust';

const collect = (v: string, all: string[] = []): string[] => [...all, v];

export interface VerifyFileOptions {
  trust: string[];
  /** The signing time to check the chain at (default now); the hub uses the time it received the package. */
  at?: Date;
  allowSha1?: boolean;
  requireCrl?: boolean;
}

/**
 * Verifies a package file the way the hub does under policy `required`: XML-DSig (wrapping-safe), chain to the
 * trust files at `at`, key usage, CRLs, and the certificate's OrganId = the package's From. Throws DxError.
 */
export function verifyPackageFile(file: string, opts: VerifyFileOptions): SignerSummary {
  const body = readFileSync(file);
  const pkg = parseEdxml(body);
  const trust = TrustStore.fromFiles(opts.trust, { requireCrl: opts.requireCrl });
  return verifyPackageSignature(body, pkg, { trust, at: opts.at ?? new Date(), allowSha1: opts.allowSha1 });
}

export function registerVerifyCommands(program: Command): void {
  program
    .command('verify')
    .argument('<file>', 'a signed edXML package')
    .requiredOption(
      '--trust <ca.pem>',
      'PEM file or directory of trust anchors (and intermediates, CRLs); repeatable',
      collect,
    )
    .option('--at <iso-time>', 'check the certificates at this signing time (default: now)')
    .option('--sha1', 'accept rsa-sha1 / sha1 signatures (refused by default)')
    .option('--require-crl', "refuse when an issuer's CRL is missing or stale")
    .option('--json', 'print the result as JSON')
    .description(
      "verify a package's signature: prints signer, OrganId, chain and verdict; exits 1 with the error code when it does not verify",
    )
    .action(
      (
        file: string,
        opts: { trust: string[]; at?: string; sha1?: boolean; requireCrl?: boolean; json?: boolean },
      ) => {
        const at = opts.at === undefined ? undefined : new Date(opts.at);
        if (at && Number.isNaN(at.getTime()))
          throw new DxError('BAD_REQUEST', `--at ${opts.at} is not a time`);
        const signer = verifyPackageFile(file, {
          trust: opts.trust,
          at,
          allowSha1: opts.sha1,
          requireCrl: opts.requireCrl,
        });
        if (opts.json) {
          console.log(JSON.stringify({ verdict: 'verified', signer }, null, 2));
          return;
        }
        console.log(`signer:    ${signer.subject.replace(/\n/g, ', ')}`);
        console.log(`OrganId:   ${signer.organId ?? '(none)'}`);
        console.log(`serial:    ${signer.serial}`);
        console.log(`algorithm: ${signer.signatureAlgorithm}`);
        console.log('chain:');
        for (const subject of signer.chain) console.log(`  ${subject.replace(/\n/g, ', ')}`);
        console.log('verdict:   verified');
      },
    );
}
