// Verification of every signature in a PDF: the /ByteRange must cover the whole revision except the signature's
// own /Contents hex string, the CMS must verify over those bytes, and the signer must chain to the trust anchors
// (purpose signing) at the signing time it claims.
import { createHash, type X509Certificate } from 'node:crypto';
import { DxError, isDxError } from '#contracts';
import { certInfo, normalizeSerial, type TrustStore } from '#pki';
import { cmsDer, verifyDetachedCms, type CmsParsed } from './cms.verifier.js';
import { isDict, nameOf, parseIndirect, PdfString, type PdfDict } from './pdf.objects.js';

export interface PdfSigner {
  subject: string;
  /** organizationIdentifier of the certificate (the agency's OrganId), when it has one. */
  organId?: string;
  serial: string;
  fingerprint256: string;
  /** Subjects, signer first; the trusted path when the chain verified, else the certificates embedded. */
  chain: string[];
}

export interface PdfSignatureResult {
  /** 1-based, in file order. */
  index: number;
  /** The signature field's name (/T) when a field points at the signature dictionary. */
  field?: string;
  subFilter?: string;
  byteRange: number[];
  /** The signed ranges end where the file ends: nothing was appended after this signature. */
  coversWholeFile: boolean;
  /** Bytes appended after the signed revision (later incremental updates, e.g. a further signature). */
  appendedBytes: number;
  signingTime?: string;
  /** /M of the signature dictionary (unsigned; shown for comparison). */
  claimedTime?: string;
  reason?: string;
  name?: string;
  digestAlgorithm?: string;
  signer?: PdfSigner;
  verdict: 'valid' | 'invalid';
  /** Set when invalid: PDF_SIG_RANGE, PDF_SIG_DIGEST, PDF_SIG_INVALID, SIG_ALGORITHM, CERT_* … */
  code?: string;
  message?: string;
}

export interface PdfVerification {
  sha256: string;
  signatures: PdfSignatureResult[];
  /** Bytes after the last signature's signed ranges (0 when the last signature covers the whole file). */
  unsignedTrailingBytes: number;
  /** At least one signature, all valid, and nothing unsigned appended after the last one. */
  valid: boolean;
}

export interface PdfVerifyOptions {
  /** Without a trust store no signer can be trusted (CERT_UNTRUSTED), the rest is still checked. */
  trust?: TrustStore;
  /** Time to check the chain at when a signature claims no signingTime (default now). */
  now?: Date;
}

const SUB_FILTERS = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']);

export function verifyPdfSignatures(pdf: Buffer, opts: PdfVerifyOptions = {}): PdfVerification {
  const sigs = findSignatureDictionaries(pdf);
  const fields = findFieldNames(pdf);
  const signatures = sigs.map((s, i) => verifyOne(pdf, s, i + 1, fields.get(s.num), opts));
  const last = signatures.reduce((m, s) => Math.max(m, coveredEnd(s.byteRange)), 0);
  const unsignedTrailingBytes = signatures.length ? Math.max(0, pdf.length - last) : pdf.length;
  return {
    sha256: createHash('sha256').update(pdf).digest('hex'),
    signatures,
    unsignedTrailingBytes,
    valid:
      signatures.length > 0 && signatures.every((s) => s.verdict === 'valid') && unsignedTrailingBytes === 0,
  };
}

interface SigObject {
  num: number;
  dict: PdfDict;
}

/** Every indirect object that is a signature dictionary (has /ByteRange and /Contents), in file order. */
function findSignatureDictionaries(pdf: Buffer): SigObject[] {
  const text = pdf.toString('latin1');
  const out: SigObject[] = [];
  for (const m of text.matchAll(/(?<![0-9])(\d+)\s+(\d+)\s+obj\b/g)) {
    const end = text.indexOf('endobj', m.index);
    if (!text.slice(m.index, end < 0 ? undefined : end).includes('/ByteRange')) continue;
    try {
      const o = parseIndirect(pdf, m.index);
      if (isDict(o.value) && o.value.has('ByteRange') && o.value.has('Contents')) {
        const type = nameOf(o.value.get('Type'));
        if (type === undefined || type === 'Sig') out.push({ num: o.num, dict: o.value });
      }
    } catch {
      // Not an object after all (bytes inside a stream): skip.
    }
  }
  return out;
}

/** Signature field names: /T of dictionaries with /FT /Sig, by the object number of their /V. */
function findFieldNames(pdf: Buffer): Map<number, string> {
  const text = pdf.toString('latin1');
  const names = new Map<number, string>();
  for (const m of text.matchAll(/(?<![0-9])(\d+)\s+(\d+)\s+obj\b/g)) {
    const end = text.indexOf('endobj', m.index);
    if (end < 0 || !text.slice(m.index, end).includes('/FT')) continue;
    try {
      const o = parseIndirect(pdf, m.index);
      if (!isDict(o.value) || nameOf(o.value.get('FT')) !== 'Sig') continue;
      const v = o.value.get('V');
      const t = o.value.get('T');
      if (v && typeof v === 'object' && 'num' in v && t instanceof PdfString) names.set(v.num, t.text());
    } catch {
      // skip
    }
  }
  return names;
}

const coveredEnd = (r: number[]): number => (r.length === 4 ? r[2] + r[3] : 0);

function verifyOne(
  pdf: Buffer,
  sig: SigObject,
  index: number,
  field: string | undefined,
  opts: PdfVerifyOptions,
): PdfSignatureResult {
  const d = sig.dict;
  const byteRange = (Array.isArray(d.get('ByteRange')) ? (d.get('ByteRange') as unknown[]) : []).map(Number);
  const text = (k: string): string | undefined => {
    const v = d.get(k);
    return v instanceof PdfString ? v.text() : undefined;
  };
  const end = coveredEnd(byteRange);
  const result: PdfSignatureResult = {
    index,
    ...(field ? { field } : {}),
    subFilter: nameOf(d.get('SubFilter')),
    byteRange,
    coversWholeFile: end === pdf.length,
    appendedBytes: Math.max(0, pdf.length - end),
    ...(text('M') ? { claimedTime: text('M') } : {}),
    ...(text('Reason') ? { reason: text('Reason') } : {}),
    ...(text('Name') ? { name: text('Name') } : {}),
    verdict: 'invalid',
  };
  let cms: CmsParsed | undefined;
  try {
    const contents = d.get('Contents');
    if (!(contents instanceof PdfString) || !contents.hex) {
      throw dx('PDF_SIG_INVALID', '/Contents is not a hex string');
    }
    checkByteRange(pdf, byteRange, contents);
    if (!result.subFilter || !SUB_FILTERS.has(result.subFilter)) {
      throw dx('PDF_SIG_INVALID', `SubFilter ${result.subFilter ?? '(none)'} is not supported`);
    }
    const [a, b, c, l] = byteRange;
    const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + l)]);
    cms = verifyDetachedCms(cmsDer(contents.bytes), signed);
    result.digestAlgorithm = cms.digestAlgorithm;
    if (cms.signingTime) result.signingTime = cms.signingTime.toISOString();
    result.signer = signerOf(cms.signer, cms.certificates);
    if (!opts.trust) throw dx('CERT_UNTRUSTED', 'no trust anchors were given, so no signer can be trusted');
    const chain = opts.trust.verify(cms.signer, {
      at: cms.signingTime ?? opts.now ?? new Date(),
      purpose: 'signing',
      extra: cms.certificates.filter((c) => c !== cms!.signer),
    });
    result.signer = {
      subject: oneLine(chain.subject),
      ...(chain.organId ? { organId: chain.organId } : {}),
      serial: chain.serial,
      fingerprint256: chain.fingerprint256,
      chain: chain.chain.map((c) => oneLine(c.subject)),
    };
    result.verdict = 'valid';
  } catch (e) {
    if (!isDxError(e)) throw e;
    result.code = e.code;
    result.message = e.message;
  }
  return result;
}

/**
 * [0, b, c, l]: starts at the first byte, the gap is exactly this signature's /Contents string (so nothing
 * else can hide there), and the ranges stay inside the file.
 */
function checkByteRange(pdf: Buffer, r: number[], contents: PdfString): void {
  const ok =
    r.length === 4 &&
    r.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    r[0] === 0 &&
    r[1] === contents.start &&
    r[2] === contents.end &&
    r[2] + r[3] <= pdf.length;
  if (!ok) {
    throw dx(
      'PDF_SIG_RANGE',
      `the /ByteRange [${r.join(' ')}] does not cover the file except this signature's /Contents ` +
        `(which is at ${contents.start}-${contents.end} of ${pdf.length} bytes)`,
    );
  }
}

function signerOf(cert: X509Certificate, all: X509Certificate[]): PdfSigner {
  const organId = certInfo(cert).organId;
  return {
    subject: oneLine(cert.subject),
    ...(organId ? { organId } : {}),
    serial: normalizeSerial(cert.serialNumber),
    fingerprint256: cert.fingerprint256,
    chain: [cert, ...all.filter((c) => c !== cert)].map((c) => oneLine(c.subject)),
  };
}

const oneLine = (dn: string): string => dn.replace(/\n/g, ', ');

const dx = (code: string, message: string): DxError => new DxError(code, message);
