import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { DxError } from '#contracts';
import { fromPkcs12 } from '#pki';
import { signEnveloped } from '#xmldsig';

interface SignOpts {
  key?: string;
  cert?: string;
  chain?: string[];
  p12?: string;
  password?: string;
  sha1?: boolean;
  c14n: 'exc-c14n' | 'c14n';
  output?: string;
}

/** foo.edxml → foo.signed.edxml (next to the input). */
const defaultOutput = (file: string): string =>
  file.slice(0, file.length - extname(file).length) + '.signed.edxml';

/** The signer's key and certificates: PEM files, or a PKCS#12 file. */
function credentials(opts: SignOpts): { keyPem: string; certPem: string; chainPem: string[] } {
  const chainPem = (opts.chain ?? []).map((f) => readFileSync(f, 'utf8'));
  if (opts.p12) {
    if (opts.key || opts.cert)
      throw new DxError('BAD_REQUEST', 'give either --p12 or --key/--cert, not both');
    const p12 = fromPkcs12(readFileSync(opts.p12), opts.password ?? '');
    return { keyPem: p12.keyPem, certPem: p12.certPem, chainPem: [...p12.chainPem, ...chainPem] };
  }
  if (!opts.key || !opts.cert) throw new DxError('BAD_REQUEST', 'sign needs --key and --cert (or --p12)');
  return { keyPem: readFileSync(opts.key, 'utf8'), certPem: readFileSync(opts.cert, 'utf8'), chainPem };
}

export function registerSignatureCommands(program: Command): void {
  program
    .command('sign')
    .argument('<file>', 'edXML package')
    .option('--key <pem>', "signer's private key (PEM)")
    .option('--cert <pem>', "signer's certificate (PEM)")
    .option(
      '--chain <pem>',
      'chain certificates to put in KeyInfo after the signer (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--p12 <file>', 'PKCS#12 file with the key, certificate and chain (instead of --key/--cert)')
    .option('--password <password>', 'password of the --p12 file', '')
    .option('--sha1', 'sign with rsa-sha1 / sha1 (only for axes configured to accept them)')
    .option('--c14n <algorithm>', 'exc-c14n or c14n (inclusive)', 'exc-c14n')
    .option(
      '-o, --output <file>',
      'where to write the signed package; - for stdout (default: FILE.signed.edxml)',
    )
    .description(
      'sign a package: XML-DSig enveloped signature in edXMLHeader (replaces a placeholder Signature)',
    )
    .action((file: string, opts: SignOpts) => {
      if (opts.c14n !== 'exc-c14n' && opts.c14n !== 'c14n') {
        throw new DxError('BAD_REQUEST', `--c14n ${String(opts.c14n)}: use exc-c14n or c14n`);
      }
      const signed = signEnveloped(readFileSync(file), {
        ...credentials(opts),
        signatureAlgorithm: opts.sha1 ? 'rsa-sha1' : 'rsa-sha256',
        c14n: opts.c14n,
      });
      const out = opts.output ?? defaultOutput(file);
      if (out === '-') {
        process.stdout.write(signed);
        return;
      }
      writeFileSync(out, signed);
      console.error(
        `signed ${basename(file)} → ${out} (${opts.sha1 ? 'rsa-sha1' : 'rsa-sha256'}, ${opts.c14n}, ${signed.length} bytes)`,
      );
    });
}
