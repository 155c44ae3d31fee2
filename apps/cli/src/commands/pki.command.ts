import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DxError } from '#contracts';
import {
  CaDirectory,
  CRL_REASONS,
  TrustStore,
  certInfo,
  fromPkcs12,
  normalizeSerial,
  toPkcs12,
  writePrivate,
  writePublic,
  type CertPurpose,
  type CrlReason,
  type IssueRequest,
} from '#pki';

const caDirOf = (cmd: Command, dir?: string): string =>
  resolve(dir ?? join(cmd.optsWithGlobals<{ stateDir: string }>().stateDir, 'pki'));
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const days = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new DxError('BAD_REQUEST', `--days: expected a positive number, got ${v}`);
  return n;
};
const oneLine = (dn: string): string => dn.split('\n').join(', ');

/** The password from --password or DOCAXIS_P12_PASSWORD (which keeps it out of `ps`). */
function passwordOf(opts: { password?: string }): string {
  const p = opts.password ?? process.env.DOCAXIS_P12_PASSWORD;
  if (p === undefined) throw new DxError('BAD_REQUEST', 'give --password or set DOCAXIS_P12_PASSWORD');
  return p;
}

export function registerPkiCommands(program: Command): void {
  const pki = program
    .command('pki')
    .description('certificates: a development CA, issuance, CRLs, PKCS#12, and checking a certificate');

  pki
    .command('init')
    .argument('[dir]', 'CA directory (default: <state-dir>/pki)')
    .option('--name <name>', 'common name of the root CA', 'Docaxis Dev Root')
    .option('--days <n>', 'root lifetime in days', days, 3650)
    .description('create a root CA, an intermediate, the chain file, empty CRLs and the index')
    .action((dir: string | undefined, opts: { name: string; days: number }, cmd: Command) => {
      const ca = CaDirectory.init(caDirOf(cmd, dir), { name: opts.name, days: opts.days });
      console.log(`CA ready in ${ca.dir}: root.crt, intermediate.crt, ca-chain.pem, crl/, index.json`);
    });

  const issue = pki.command('issue').description('issue a certificate from the intermediate CA');
  const issueCommand = (
    name: IssueRequest['kind'],
    description: string,
    configure: (c: Command) => Command,
    request: (opts: Record<string, unknown>, cmd: Command) => { req: IssueRequest; id: string },
  ): void => {
    configure(issue.command(name).description(description))
      .option('--dir <dir>', 'CA directory (default: <state-dir>/pki)')
      .option('--days <n>', 'lifetime in days (default 365)', days)
      .option('--out <prefix>', 'write PREFIX.crt and PREFIX.key (default: <dir>/issued/<kind>-<id>)')
      .action(
        (opts: Record<string, unknown> & { dir?: string; days?: number; out?: string }, cmd: Command) => {
          const ca = new CaDirectory(caDirOf(cmd, opts.dir));
          const { req, id } = request(opts, cmd);
          const prefix = resolve(
            opts.out ?? join(ca.dir, 'issued', `${name}-${id.replace(/[^\w.-]+/g, '_')}`),
          );
          const entry = ca.issue(req, prefix, { days: opts.days });
          console.log(`issued ${name} ${entry.subject} serial ${entry.serial} until ${entry.notAfter}`);
          console.log(`wrote ${prefix}.crt and ${prefix}.key`);
        },
      );
  };
  issueCommand(
    'agency',
    "an agency's document-signing certificate, bound to its OrganId",
    (c) =>
      c
        .requiredOption('--organ-id <id>', 'OrganId, e.g. 000.00.00.G22')
        .requiredOption('--name <name>', 'agency name'),
    (o) => ({
      req: { kind: 'agency', organId: String(o.organId), name: String(o.name) },
      id: String(o.organId),
    }),
  );
  issueCommand(
    'seal',
    "the hub's seal certificate (signs receipts), bound to the axis OrganId",
    (c) => c.option('--axis <id>', 'OrganId of the axis').requiredOption('--name <name>', 'axis name'),
    (_o, cmd) => {
      // --axis is also a global option; commander hands it to the program, so read it from there.
      const axis = cmd.optsWithGlobals<{ axis?: string }>().axis;
      if (!axis) throw new DxError('BAD_REQUEST', 'pki issue seal needs --axis <OrganId of the axis>');
      return { req: { kind: 'seal', axisOrganId: axis, name: String(cmd.opts().name) }, id: axis };
    },
  );
  issueCommand(
    'system',
    "a connected system's TLS client certificate (SAN urn:docaxis:system:<id>)",
    (c) => c.requiredOption('--system-id <id>', 'system id'),
    (o) => ({ req: { kind: 'system', systemId: String(o.systemId) }, id: String(o.systemId) }),
  );
  issueCommand(
    'server',
    'a TLS server certificate for the gateway',
    (c) => c.requiredOption('--host <host>', 'DNS name or IP address (repeatable)', collect),
    (o) => ({ req: { kind: 'server', hosts: o.host as string[] }, id: (o.host as string[])[0] }),
  );

  pki
    .command('revoke')
    .argument('[cert]', 'the certificate file to revoke')
    .option('--serial <hex>', 'or its serial number')
    .option('--reason <reason>', `one of ${Object.keys(CRL_REASONS).join(', ')}`)
    .option('--dir <dir>', 'CA directory (default: <state-dir>/pki)')
    .description("revoke a certificate of this CA and re-publish its issuer's CRL")
    .action(
      (cert: string | undefined, opts: { serial?: string; reason?: string; dir?: string }, cmd: Command) => {
        if (!cert === !opts.serial)
          throw new DxError('BAD_REQUEST', 'give either a certificate file or --serial');
        const ca = new CaDirectory(caDirOf(cmd, opts.dir));
        const entry = ca.revoke(cert ? { certPem: readFileSync(cert, 'utf8') } : { serial: opts.serial }, {
          reason: opts.reason as CrlReason | undefined,
        });
        console.log(`revoked ${entry.subject} serial ${entry.serial} at ${entry.revokedAt}`);
        console.log(`published ${ca.crlFile(entry.issuer)}`);
      },
    );

  pki
    .command('crl')
    .option('--days <n>', 'nextUpdate in days', days, 7)
    .option('--dir <dir>', 'CA directory (default: <state-dir>/pki)')
    .description('re-publish the CRLs (crl/intermediate.crl.pem and crl/root.crl.pem)')
    .action((opts: { days: number; dir?: string }, cmd: Command) => {
      const files = new CaDirectory(caDirOf(cmd, opts.dir)).publishCrls(opts.days);
      for (const f of files) console.log(`published ${f}`);
    });

  pki
    .command('export-p12')
    .requiredOption('--cert <file>', 'certificate (PEM)')
    .requiredOption('--key <file>', 'private key (PEM)')
    .option('--chain <file>', 'CA certificates to include (PEM), e.g. <dir>/ca-chain.pem')
    .option('--password <p>', 'PKCS#12 password (or env DOCAXIS_P12_PASSWORD)')
    .option('--name <friendlyName>', 'friendly name shown by key stores')
    .requiredOption('-o, --out <file>', 'the .p12 to write')
    .description('bundle a key, its certificate and chain as PKCS#12')
    .action(
      (opts: {
        cert: string;
        key: string;
        chain?: string;
        password?: string;
        name?: string;
        out: string;
      }) => {
        const p12 = toPkcs12({
          certPem: readFileSync(opts.cert, 'utf8'),
          keyPem: readFileSync(opts.key, 'utf8'),
          chainPem: opts.chain ? [readFileSync(opts.chain, 'utf8')] : [],
          password: passwordOf(opts),
          friendlyName: opts.name,
        });
        writePrivate(opts.out, p12);
        console.log(`wrote ${opts.out}`);
      },
    );

  pki
    .command('import-p12')
    .argument('<file>', 'the .p12 to read')
    .option('--password <p>', 'PKCS#12 password (or env DOCAXIS_P12_PASSWORD)')
    .requiredOption('--out <prefix>', 'write PREFIX.crt, PREFIX.key and PREFIX.chain.pem')
    .description('unpack a PKCS#12 file into PEM files')
    .action((file: string, opts: { password?: string; out: string }) => {
      const { certPem, keyPem, chainPem } = fromPkcs12(readFileSync(file), passwordOf(opts));
      writePublic(`${opts.out}.crt`, certPem);
      writePrivate(`${opts.out}.key`, keyPem);
      if (chainPem.length) writePublic(`${opts.out}.chain.pem`, chainPem.join(''));
      console.log(
        `wrote ${opts.out}.crt, ${opts.out}.key${chainPem.length ? `, ${opts.out}.chain.pem` : ''}`,
      );
    });

  pki
    .command('show')
    .argument('<cert>', 'certificate (PEM)')
    .option(
      '--trust <files...>',
      'trust anchors, intermediates and CRLs (PEM files or directories): verify too',
    )
    .option('--purpose <p>', 'signing | seal | client | server (default: from the certificate)')
    .option('--at <iso>', 'verify as of this time (default now)')
    .option('--require-crl', 'fail when an issuer has no fresh CRL')
    .description('print a certificate; with --trust, verify it (exit 1 and the error code when not valid)')
    .action(
      (
        file: string,
        opts: { trust?: string[]; purpose?: CertPurpose; at?: string; requireCrl?: boolean },
      ) => {
        let cert: X509Certificate;
        try {
          cert = new X509Certificate(readFileSync(file));
        } catch (e) {
          throw new DxError('CERT_INVALID', `${file}: ${(e as Error).message}`);
        }
        const info = certInfo(cert);
        const lines: [string, string | undefined][] = [
          ['subject', oneLine(cert.subject)],
          ['issuer', oneLine(cert.issuer)],
          ['serial', normalizeSerial(cert.serialNumber)],
          ['valid', `${info.notBefore.toISOString()} to ${info.notAfter.toISOString()}`],
          ['organId', info.organId],
          ['systemId', info.systemId],
          ['CA', info.ca ? `yes${info.pathLen !== undefined ? `, pathLen ${info.pathLen}` : ''}` : 'no'],
          ['key usage', info.keyUsage ? [...info.keyUsage].join(', ') : '(none)'],
          ['extended key usage', cert.keyUsage?.join(', ')],
          ['subject alt names', cert.subjectAltName],
          ['sha256', cert.fingerprint256],
        ];
        for (const [k, v] of lines) if (v !== undefined) console.log(`${k.padEnd(19)} ${v}`);
        if (!opts.trust) return;
        const purpose = opts.purpose ?? defaultPurpose(info);
        const at = opts.at ? new Date(opts.at) : new Date();
        if (Number.isNaN(at.getTime())) throw new DxError('BAD_REQUEST', `--at: not a date: ${opts.at}`);
        const v = TrustStore.fromFiles(opts.trust, { requireCrl: opts.requireCrl }).verify(cert, {
          at,
          purpose,
        });
        console.log(`verdict             valid for ${purpose} at ${at.toISOString()}`);
        console.log(`chain               ${v.chain.map((c) => oneLine(c.subject)).join(' <- ')}`);
      },
    );
}

function defaultPurpose(info: ReturnType<typeof certInfo>): CertPurpose {
  if (info.systemId || info.extKeyUsage?.includes('1.3.6.1.5.5.7.3.2')) return 'client';
  if (info.extKeyUsage?.includes('1.3.6.1.5.5.7.3.1')) return 'server';
  return 'signing';
}
