// Signing a PDF by incremental update (ISO 32000-1 §12.8): the original bytes stay as they are; appended are a
// signature dictionary, a signature field widget on the first page, the page and catalog with the field
// added, and a cross-reference section. /ByteRange covers the whole file except the /Contents hex string.
import { DxError } from '#contracts';
import { signDetachedCms } from './cms.signer.js';
import { PdfObjects, readRevisions } from './pdf.document.js';
import {
  isDict,
  nameOf,
  PdfName,
  PdfRef,
  serialize,
  textString,
  type PdfDict,
  type PdfValue,
} from './pdf.objects.js';

export interface PdfSignOptions {
  keyPem: string;
  certPem: string;
  chainPems?: string[];
  /** Default: now. */
  signingTime?: Date;
  reason?: string;
  /** The signer's name in the signature dictionary (display only; the certificate decides). */
  name?: string;
  location?: string;
  /** Bytes reserved for the CMS (default 16 KiB); signing fails if the CMS is larger. */
  reserve?: number;
}

const BYTE_RANGE_PLACEHOLDER = '[0 ********** ********** **********]';

/** Returns the signed PDF: `pdf` unchanged followed by the incremental update. */
export function signPdf(pdf: Buffer, opts: PdfSignOptions): Buffer {
  const rev = readRevisions(pdf);
  const objs = new PdfObjects(pdf, rev);
  const rootRef = rev.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new DxError('PDF_MALFORMED', 'the trailer has no /Root reference');
  const catalog = objs.dict(rootRef, 'the catalog');
  const { ref: pageRef, dict: page } = firstPage(objs, catalog);
  const signingTime = opts.signingTime ?? new Date();
  const size = Number(rev.trailer.get('Size'));
  if (!Number.isInteger(size)) throw new DxError('PDF_MALFORMED', 'the trailer has no /Size');
  const sigNum = size;
  const widgetNum = size + 1;
  const reserve = opts.reserve ?? 16_384;

  // AcroForm may be inline in the catalog or its own object: rewrite it where it lives.
  const acroRaw = catalog.get('AcroForm');
  const acroForm: PdfDict = isDict(objs.resolve(acroRaw))
    ? new Map(objs.dict(acroRaw, 'AcroForm'))
    : new Map();
  const fields = (objs.resolve(acroForm.get('Fields')) as PdfValue[] | undefined) ?? [];
  acroForm.set('Fields', [...fields, new PdfRef(widgetNum, 0)]);
  acroForm.set('SigFlags', 3); // SignaturesExist | AppendOnly
  const annots = (objs.resolve(page.get('Annots')) as PdfValue[] | undefined) ?? [];
  const newPage: PdfDict = new Map(page);
  newPage.set('Annots', [...annots, new PdfRef(widgetNum, 0)]);

  const sigDict: PdfDict = new Map<string, PdfValue>([
    ['Type', new PdfName('Sig')],
    ['Filter', new PdfName('Adobe.PPKLite')],
    ['SubFilter', new PdfName('adbe.pkcs7.detached')],
  ]);
  const M = textString(pdfDate(signingTime));
  const extras: [string, string | undefined][] = [
    ['Name', opts.name],
    ['Reason', opts.reason],
    ['Location', opts.location],
  ];
  const widget: PdfDict = new Map<string, PdfValue>([
    ['Type', new PdfName('Annot')],
    ['Subtype', new PdfName('Widget')],
    ['FT', new PdfName('Sig')],
    ['T', textString(`Signature${fields.length + 1}`)],
    ['V', new PdfRef(sigNum, 0)],
    ['F', 132], // Print | Locked
    ['Rect', [0, 0, 0, 0]],
    ['P', pageRef],
  ]);

  const objects: [number, number, string][] = [];
  // The placeholders are written as text so their offsets are known once the update is laid out.
  let sigText = `<< ${serialize(sigDict).slice(3, -3)} /ByteRange ${BYTE_RANGE_PLACEHOLDER} /Contents <${'0'.repeat(reserve * 2)}> /M ${serialize(M)}`;
  for (const [k, v] of extras) if (v) sigText += ` /${k} ${serialize(textString(v))}`;
  sigText += ' >>';
  objects.push(
    [sigNum, 0, sigText],
    [widgetNum, 0, serialize(widget)],
    [pageRef.num, pageRef.gen, serialize(newPage)],
  );
  if (acroRaw instanceof PdfRef) {
    objects.push([acroRaw.num, acroRaw.gen, serialize(acroForm)]);
  } else {
    const newCatalog: PdfDict = new Map(catalog);
    newCatalog.set('AcroForm', acroForm);
    objects.push([rootRef.num, rootRef.gen, serialize(newCatalog)]);
  }

  let update = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const offsets: [number, number, number][] = [];
  for (const [num, gen, body] of objects) {
    offsets.push([num, gen, pdf.length + Buffer.byteLength(update, 'latin1')]);
    update += `${num} ${gen} obj\n${body}\nendobj\n`;
  }
  const xrefAt = pdf.length + Buffer.byteLength(update, 'latin1');
  update += 'xref\n';
  for (const [num, gen, off] of offsets.sort((a, b) => a[0] - b[0])) {
    update += `${num} 1\n${String(off).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`;
  }
  const trailer: PdfDict = new Map<string, PdfValue>([
    ['Size', widgetNum + 1],
    ['Root', rootRef],
    ['Prev', rev.startxref],
  ]);
  for (const k of ['Info', 'ID']) if (rev.trailer.has(k)) trailer.set(k, rev.trailer.get(k)!);
  update += `trailer\n${serialize(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`;

  const out = Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
  const sigAt = offsets.find(([n]) => n === sigNum)![2];
  const contentsAt = out.indexOf('/Contents <', sigAt, 'latin1') + '/Contents '.length;
  const contentsEnd = contentsAt + reserve * 2 + 2;
  const range = [0, contentsAt, contentsEnd, out.length - contentsEnd];
  const rangeText = `[${range.join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  const rangeAt = out.indexOf(BYTE_RANGE_PLACEHOLDER, sigAt, 'latin1');
  out.write(rangeText, rangeAt, 'latin1');

  const cms = signDetachedCms(Buffer.concat([out.subarray(0, contentsAt), out.subarray(contentsEnd)]), {
    keyPem: opts.keyPem,
    certPem: opts.certPem,
    chainPems: opts.chainPems,
    signingTime,
  });
  if (cms.length > reserve) {
    throw new DxError(
      'BAD_REQUEST',
      `the CMS signature (${cms.length} bytes) is larger than the reserved ${reserve}`,
    );
  }
  out.write(cms.toString('hex').toUpperCase(), contentsAt + 1, 'latin1');
  return out;
}

function firstPage(objs: PdfObjects, catalog: PdfDict): { ref: PdfRef; dict: PdfDict } {
  let node = catalog.get('Pages');
  for (let depth = 0; depth < 32; depth++) {
    if (!(node instanceof PdfRef)) break;
    const d = objs.dict(node, 'a page tree node');
    if (nameOf(d.get('Type')) === 'Page') return { ref: node, dict: d };
    const kids = objs.resolve(d.get('Kids'));
    node = Array.isArray(kids) ? kids[0] : undefined;
  }
  throw new DxError('PDF_MALFORMED', 'the PDF has no page to put the signature field on');
}

/** D:YYYYMMDDHHmmSSZ (UTC). */
function pdfDate(d: Date): string {
  return `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
