import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { ArchivedDocumentView, AttachmentInfo, EvidenceReport } from '#archive';
import { DxError } from '#contracts';
import type { DocaxisClient } from '#sdk-client';
import { clientFor } from '../client-for.js';
import { progressBar } from '../progress.js';
import { pdfVerificationLines } from './pdf.command.js';

const documentPath = (docId: string, rest = ''): string =>
  `/archive/documents/${encodeURIComponent(docId)}${rest}`;

function archivistClient(cmd: Command): DocaxisClient {
  return clientFor(resolve(cmd.optsWithGlobals<{ stateDir: string }>().stateDir));
}

async function getData<T>(client: DocaxisClient, path: string): Promise<T> {
  const { answer } = await client.call<T>(path, { method: 'GET' });
  if (answer.status !== 'OK' || answer.data === undefined) {
    const fail = answer as { ErrorCode?: string; ErrorDesc?: string };
    throw new DxError(fail.ErrorCode ?? 'INTERNAL', fail.ErrorDesc ?? 'no data in the answer');
  }
  return answer.data;
}

/**
 * Streams a download to `file` and checks its SHA-256 against the x-dx-sha256 header as it goes; on a mismatch
 * the file is removed and the command fails with HASH_MISMATCH.
 */
async function download(
  client: DocaxisClient,
  path: string,
  file: string,
): Promise<{ sha256: string; bytes: number }> {
  const res = await client.fetchRaw(path, { method: 'GET', accept: '*/*' });
  if (!res.ok || !res.body) {
    const fail = (await res.json().catch(() => ({}))) as { ErrorCode?: string; ErrorDesc?: string };
    throw new DxError(fail.ErrorCode ?? 'UNAVAILABLE', fail.ErrorDesc ?? `${path}: HTTP ${res.status}`);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    tap,
    createWriteStream(file),
  );
  const sha256 = hash.digest('hex');
  const expected = res.headers.get('x-dx-sha256');
  if (expected && expected !== sha256) {
    rmSync(file, { force: true });
    throw new DxError('HASH_MISMATCH', `${file}: sha256 ${sha256}, the archive says ${expected}`);
  }
  return { sha256, bytes };
}

/** A name not yet used in `dir`: "a.pdf", then "a (2).pdf", … (two attachments may share a name). */
function freeName(dir: string, name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let i = 2; taken.has(candidate.toLowerCase()) || existsSync(join(dir, candidate)); i++) {
    candidate = `${stem} (${i})${ext}`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

function printDocument(d: ArchivedDocumentView): void {
  console.log(`DocId:        ${d.docId} (${d.messageType})`);
  console.log(`DocumentId:   ${d.documentId}`);
  console.log(`from:         ${d.senderOrganId}`);
  if (d.codeNumber || d.codeNotation)
    console.log(`code:         ${d.codeNumber ?? ''}/${d.codeNotation ?? ''}`);
  if (d.subject) console.log(`subject:      ${d.subject}`);
  if (d.promulgationDate) console.log(`promulgated:  ${d.promulgationDate}`);
  if (d.typeName) console.log(`type:         ${d.typeName}`);
  if (d.priority) console.log(`priority:     ${d.priority}`);
  if (d.statusCode) console.log(`status code:  ${d.statusCode}`);
  console.log(`sha256:       ${d.sha256} (${d.sizeBytes} bytes)`);
  console.log(`accepted:     ${d.acceptedAt}, archived ${d.archivedAt}`);
  if (d.removed) console.log(`removed:      ${d.removed.at} (${d.removed.reason ?? 'retention'})`);
  printTraceAndTimeline(d.trace, d.timeline);
}

function printTraceAndTimeline(trace: EvidenceReport['trace'], timeline: EvidenceReport['timeline']): void {
  if (trace.length)
    console.log(`trace:        ${trace.map((h) => `${h.OrganId} ${h.Timestamp}`).join(' → ')}`);
  if (!timeline.length) console.log('timeline:     (no delivery events)');
  for (const r of timeline) {
    console.log(`recipient ${r.recipient}:`);
    for (const e of r.events) {
      const detail = [e.statusCode, e.reason].filter(Boolean).join(' ');
      console.log(`  ${e.at}  ${e.event}${detail ? `  ${detail}` : ''}`);
    }
  }
}

function printEvidence(r: EvidenceReport): void {
  console.log(`DocId:        ${r.docId} (${r.messageType}) from ${r.senderOrganId}`);
  console.log(`DocumentId:   ${r.documentId}`);
  if (r.subject) console.log(`subject:      ${r.subject}`);
  const h = r.package.sha256;
  console.log(`package:      ${r.package.sizeBytes} bytes, stored ${r.package.storage}`);
  console.log(`  sha256 recorded   ${h.recorded}`);
  if (r.package.removed) {
    console.log(`  bytes removed on ${r.package.removed.at}: ${r.package.removed.reason ?? 'retention'}`);
  } else {
    console.log(`  sha256 recomputed ${h.recomputed}  ${h.intact ? 'intact' : 'CHANGED'}`);
  }
  const acc = r.packageSignature.atAcceptance;
  console.log(
    `package signature at acceptance: ${acc ? `${acc.verdict}${acc.code ? ` ${acc.code}: ${acc.message ?? ''}` : ''}` : '(accepted on another axis)'}`,
  );
  const now = r.packageSignature.now;
  console.log(
    `package signature now (chain at ${now.at}): ${now.verdict}${now.code ? ` ${now.code}: ${now.message ?? ''}` : ''}`,
  );
  if (now.signer) console.log(`  signer: ${String(now.signer.subject ?? '').replace(/\n/g, ', ')}`);
  if (r.attachmentsError)
    console.log(`attachments: unreadable ${r.attachmentsError.code}: ${r.attachmentsError.message}`);
  for (const a of r.attachments) {
    console.log(
      `attachment ${a.index}: ${a.fileName} (${a.contentType}, ${a.sizeBytes} bytes${a.unwrapped === 'zip' ? ', unzipped' : ''})`,
    );
    console.log(`  sha256 ${a.sha256}`);
    if (a.error) console.log(`  PDF unreadable ${a.error.code}: ${a.error.message}`);
    if (a.pdf) {
      for (const line of pdfVerificationLines({ sha256: a.sha256, ...a.pdf }, '  ')) console.log(line);
      console.log(`  PDF signatures: ${a.pdf.valid ? 'valid' : 'NOT VALID'}`);
    }
  }
  printTraceAndTimeline(r.trace, r.timeline);
  if (r.chain) {
    for (const l of r.chain)
      console.log(`chain:        #${l.seq} ${l.kind} ${l.digest} (after ${l.prevDigest.slice(0, 16)}…)`);
  }
  console.log(`generated:    ${r.generatedAt}`);
}

/** `docaxis archive show|evidence|attachments|original`, over HTTP with the archivist's credentials (audited). */
export function registerArchiveEvidenceCommands(archive: Command): void {
  archive
    .command('show')
    .argument('<docId>', 'the DocId of an archived package')
    .option('--json', 'print the answer as JSON')
    .description("an archived document's metadata and each recipient's delivery and status timeline")
    .action(async (docId: string, opts: { json?: boolean }, cmd: Command) => {
      const d = await getData<ArchivedDocumentView>(archivistClient(cmd), documentPath(docId));
      if (opts.json) console.log(JSON.stringify(d, null, 2));
      else printDocument(d);
    });

  archive
    .command('evidence')
    .argument('<docId>', 'the DocId of an archived package')
    .option('--json', 'print the report as JSON')
    .description(
      'evidence report: package hash and signature (at acceptance and now), PDF signatures in the attachments, trace, timeline',
    )
    .action(async (docId: string, opts: { json?: boolean }, cmd: Command) => {
      const r = await getData<EvidenceReport>(archivistClient(cmd), documentPath(docId, '/evidence'));
      if (opts.json) console.log(JSON.stringify(r, null, 2));
      else printEvidence(r);
    });

  archive
    .command('attachments')
    .argument('<docId>', 'the DocId of an archived package')
    .option('-o, --out <dir>', 'download every attachment (decoded, unzipped) into this directory')
    .option('--json', 'print the list as JSON')
    .description(
      'list the attachments; with -o, download them named from AttachmentName, each checked against its SHA-256',
    )
    .action(async (docId: string, opts: { out?: string; json?: boolean }, cmd: Command) => {
      const client = archivistClient(cmd);
      const list = await getData<AttachmentInfo[]>(client, documentPath(docId, '/attachments'));
      if (!opts.out) {
        if (opts.json) console.log(JSON.stringify(list, null, 2));
        else
          for (const a of list)
            console.log(`${a.index}  ${a.fileName}  ${a.contentType}  ${a.sizeBytes} bytes  ${a.sha256}`);
        return;
      }
      mkdirSync(opts.out, { recursive: true });
      const taken = new Set<string>();
      const bar = progressBar('attachments');
      const written: { index: number; file: string; sha256: string; bytes: number }[] = [];
      try {
        for (const a of list) {
          const file = join(opts.out, freeName(opts.out, a.fileName, taken));
          const got = await download(client, documentPath(docId, `/attachments/${a.index}`), file);
          written.push({ index: a.index, file, ...got });
          bar.update(written.length, list.length);
        }
      } finally {
        bar.done();
      }
      if (opts.json) console.log(JSON.stringify(written, null, 2));
      else for (const w of written) console.log(`${w.file}  ${w.bytes} bytes  sha256 ${w.sha256}`);
    });

  archive
    .command('original')
    .argument('<docId>', 'the DocId of an archived package')
    .requiredOption('-o, --out <file>', 'where to write the package bytes')
    .description('download the original package byte for byte, checked against the recorded SHA-256')
    .action(async (docId: string, opts: { out: string }, cmd: Command) => {
      const got = await download(archivistClient(cmd), documentPath(docId, '/original'), opts.out);
      console.log(`${opts.out}  ${got.bytes} bytes  sha256 ${got.sha256}`);
    });
}
