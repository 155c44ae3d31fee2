import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EdxmlError, assertValid, parseEdxml, summaryOf } from '#edxml';
import { formatHops, hopsOf } from '#local-hub';
import { clientFor } from '../client-for.js';

const stateDirOf = (cmd: Command): string => resolve(cmd.optsWithGlobals<{ stateDir: string }>().stateDir);
const axisOf = (cmd: Command): string | undefined => cmd.optsWithGlobals<{ axis?: string }>().axis;

export function registerDocumentCommands(program: Command): void {
  program
    .command('validate')
    .argument('<file>', 'edXML package')
    .description('parse and validate a package; prints its summary, or the error code and message')
    .action((file: string) => {
      try {
        const pkg = parseEdxml(readFileSync(file));
        assertValid(pkg);
        console.log(JSON.stringify(summaryOf(pkg), null, 2));
      } catch (e) {
        if (!(e instanceof EdxmlError)) throw e;
        console.error(`${e.code}: ${e.message}`);
        process.exitCode = 2;
      }
    });

  program
    .command('send')
    .argument('<file>', 'edXML package (document or status)')
    .option(
      '--to <organIds>',
      'recipients for the `to` header, comma separated (default: the package To list)',
    )
    .option('--receipt-out <file>', "write the hub's signed submission receipt (JWS) here")
    .option('--print-receipt', "print the hub's signed submission receipt (JWS)")
    .description('send a package as its From agency, through the system that owns it')
    .action(
      async (
        file: string,
        opts: { to?: string; receiptOut?: string; printReceipt?: boolean },
        cmd: Command,
      ) => {
        const bytes = readFileSync(file);
        const pkg = parseEdxml(bytes);
        const from = pkg.MessageHeader.From.OrganId ?? '';
        const client = clientFor(stateDirOf(cmd), from, axisOf(cmd));
        const r = await client.sendEdoc(bytes, {
          from,
          to: opts.to?.split(',').filter(Boolean),
          messageType: pkg.kind,
        });
        console.log(
          `sent ${pkg.kind} as ${from}: DocId ${r.docId}${r.duplicate ? ' (already sent before: same DocId)' : ''}`,
        );
        if ((opts.receiptOut || opts.printReceipt) && !r.receipt) {
          console.error('the hub answered no receipt (it has no seal configured)');
          process.exitCode = 1;
          return;
        }
        if (opts.receiptOut && r.receipt) {
          writeFileSync(opts.receiptOut, `${r.receipt}\n`);
          console.log(
            `receipt written to ${opts.receiptOut} (check it: docaxis receipt verify ${opts.receiptOut})`,
          );
        }
        if (opts.printReceipt && r.receipt) console.log(`receipt: ${r.receipt}`);
      },
    );

  program
    .command('inbox')
    .argument('<agency>', 'OrganId of the receiving agency')
    .option('--type <messageType>', 'edoc or status', 'edoc')
    .description('list packages waiting for an agency')
    .action(async (agency: string, opts: { type: 'edoc' | 'status' }, cmd: Command) => {
      const client = clientFor(stateDirOf(cmd), agency, axisOf(cmd));
      const { items } = await client.getReceivedEdocList({ messageType: opts.type, agency });
      if (!items.length) console.log(`inbox of ${agency} (${opts.type}) is empty`);
      for (const i of items) {
        const hops = hopsOf(i);
        const via = hops.length ? `  via ${formatHops(hops)}` : '';
        console.log(`${i.id}  from ${i.from}  ${i.status.padEnd(10)}  ${i.documentId ?? ''}${via}`);
      }
    });

  program
    .command('fetch')
    .argument('<docId>', 'DocId')
    .option('-o, --out <file>', 'write the package here (default: <docId>.edxml)')
    .option('--as <agency>', 'agency whose system fetches (default: the first demo system that can)')
    .option('--ack', 'acknowledge it as done afterwards')
    .description('download a package byte-identical to what was sent')
    .action(async (docId: string, opts: { out?: string; as?: string; ack?: boolean }, cmd: Command) => {
      const client = clientFor(stateDirOf(cmd), opts.as, axisOf(cmd));
      const bytes = await client.getEdoc(docId);
      const out = opts.out ?? `${docId}.edxml`;
      writeFileSync(out, bytes);
      console.log(`wrote ${out} (${bytes.length} bytes)`);
      if (opts.ack) {
        await client.updateStatus(docId, 'done', opts.as);
        console.log('acknowledged: done');
      }
    });

  program
    .command('status')
    .argument('<docId>', 'DocId of a package you sent')
    .option('--as <agency>', 'sending agency (default: found among the demo systems)')
    .description("show each recipient's delivery and business status of a sent package")
    .action(async (docId: string, opts: { as?: string }, cmd: Command) => {
      const client = clientFor(stateDirOf(cmd), opts.as, axisOf(cmd));
      const sent = await client.findSent(docId);
      if (!sent) {
        console.error(`DOC_NOT_FOUND: ${docId} is not among the packages sent by this system`);
        process.exitCode = 1;
        return;
      }
      console.log(`${sent.id}  ${sent.messageType}  from ${sent.from}  ${sent.documentId}`);
      for (const r of sent.recipients) {
        const business = r.businessStatus
          ? `${r.businessStatus.code} ${r.businessStatus.meaning ?? ''}`
          : '-';
        const failure = r.failure?.code ? `  ${r.failure.code}: ${r.failure.reason ?? ''}` : '';
        console.log(`  ${r.to.padEnd(15)} ${r.status.padEnd(10)} ${business}${failure}`);
      }
    });
}
