import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DxError } from '#contracts';
import { minimalPdf, signPdf, verifyPdfSignatures, type PdfVerification } from '#pdfsig';
import { TrustStore } from '#pki';

const collect = (v: string, all: string[] = []): string[] => [...all, v];

/** Readable lines for one PDF's signatures (shared with `docaxis archive evidence`). */
export function pdfVerificationLines(v: PdfVerification, indent = ''): string[] {
  const lines: string[] = [];
  if (!v.signatures.length) lines.push(`${indent}no signatures`);
  for (const s of v.signatures) {
    const verdict = s.verdict === 'valid' ? 'valid' : `INVALID ${s.code}: ${s.message}`;
    lines.push(`${indent}#${s.index} ${s.field ?? ''} ${verdict}`.replace(/ {2,}/g, ' '));
    if (s.signer) {
      lines.push(
        `${indent}   signer:  ${s.signer.subject}${s.signer.organId ? ` (OrganId ${s.signer.organId})` : ''}`,
      );
      for (const c of s.signer.chain.slice(1)) lines.push(`${indent}   chain:   ${c}`);
    }
    if (s.signingTime) lines.push(`${indent}   signed:  ${s.signingTime}`);
    if (s.reason) lines.push(`${indent}   reason:  ${s.reason}`);
    lines.push(
      `${indent}   range:   [${s.byteRange.join(' ')}]` +
        (s.coversWholeFile ? ' covers the whole file' : `, ${s.appendedBytes} bytes appended after it`),
    );
  }
  if (v.signatures.length && v.unsignedTrailingBytes) {
    lines.push(`${indent}${v.unsignedTrailingBytes} bytes after the last signature are not signed`);
  }
  return lines;
}

export function registerPdfCommands(program: Command): void {
  const pdf = program.command('pdf').description('sign and verify PDF signatures (CMS, adbe.pkcs7.detached)');

  pdf
    .command('new')
    .requiredOption('-o, --out <file.pdf>', 'where to write the PDF')
    .option('--text <text>', 'the text on the page (ASCII)', 'docaxis test document')
    .description('write a minimal one-page PDF (to sign in tests and demos)')
    .action((opts: { out: string; text: string }) => {
      writeFileSync(opts.out, minimalPdf(opts.text));
      console.log(`wrote ${opts.out}`);
    });

  pdf
    .command('sign')
    .argument('<in.pdf>', 'the PDF to sign (kept as is: the signature is an incremental update)')
    .requiredOption('--key <key.pem>', "the signer's private key (PEM, unencrypted)")
    .requiredOption('--cert <cert.pem>', "the signer's certificate (PEM)")
    .option('--chain <ca.pem>', 'intermediate certificate(s) to embed; repeatable', collect)
    .option('--reason <text>', 'reason shown by PDF readers')
    .option('--name <text>', "signer's name shown by PDF readers")
    .requiredOption('-o, --out <out.pdf>', 'where to write the signed PDF')
    .description('add a signature (sign twice for the signer and the agency, Decree 30)')
    .action(
      (
        file: string,
        opts: { key: string; cert: string; chain?: string[]; reason?: string; name?: string; out: string },
      ) => {
        const chainPems = (opts.chain ?? []).flatMap((f) =>
          [
            ...readFileSync(f, 'utf8').matchAll(
              /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
            ),
          ].map((m) => m[0]),
        );
        const signed = signPdf(readFileSync(file), {
          keyPem: readFileSync(opts.key, 'utf8'),
          certPem: readFileSync(opts.cert, 'utf8'),
          chainPems,
          reason: opts.reason,
          name: opts.name,
        });
        writeFileSync(opts.out, signed);
        console.log(`signed ${file} → ${opts.out} (${signed.length} bytes)`);
      },
    );

  pdf
    .command('verify')
    .argument('<in.pdf>', 'a signed PDF')
    .requiredOption(
      '--trust <ca.pem>',
      'PEM file or directory of trust anchors (and intermediates, CRLs); repeatable',
      collect,
    )
    .option('--json', 'print the result as JSON')
    .description(
      'verify every signature: byte ranges, digest, CMS signature, signer chain at the signing time; exits 1 unless all are valid',
    )
    .action((file: string, opts: { trust: string[]; json?: boolean }) => {
      const v = verifyPdfSignatures(readFileSync(file), { trust: TrustStore.fromFiles(opts.trust) });
      if (opts.json) console.log(JSON.stringify(v, null, 2));
      else {
        console.log(`sha256:    ${v.sha256}`);
        for (const line of pdfVerificationLines(v)) console.log(line);
        console.log(`verdict:   ${v.valid ? 'valid' : 'not valid'}`);
      }
      if (!v.valid) {
        const first = v.signatures.find((s) => s.verdict !== 'valid');
        if (opts.json) process.exitCode = 1;
        else
          throw new DxError(
            first?.code ?? 'PDF_SIG_INVALID',
            first?.message ?? 'the PDF has no valid signature over the whole file',
          );
      }
    });
}
