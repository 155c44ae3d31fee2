// A minimal DER reader that keeps every element's exact byte range: a CMS signature covers the signed attributes
// exactly as the signer encoded them, so they must not be re-encoded (forge.asn1 re-serializes what it parsed).
import forge from 'node-forge';
import { DxError } from '#contracts';

export interface Tlv {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** Offsets into the buffer: the whole element, and its contents. */
  start: number;
  contentStart: number;
  end: number;
  buf: Buffer;
}

export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  CTX0: 0xa0,
  CTX1: 0xa1,
} as const;

const bad = (why: string): DxError =>
  new DxError('PDF_SIG_INVALID', `the CMS signature is not valid DER: ${why}`);

/** The element starting at `pos` (definite lengths only, as DER requires). */
export function readTlv(buf: Buffer, pos = 0, limit = buf.length): Tlv {
  if (pos + 2 > limit) throw bad('truncated element');
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) throw bad('high tag numbers are not used by CMS');
  let len = buf[pos + 1];
  let p = pos + 2;
  if (len === 0x80) throw bad('indefinite length');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) throw bad('length too long');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > limit) throw bad('element runs past its container');
  return { tag, start: pos, contentStart: p, end: p + len, buf };
}

export function childrenOf(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.contentStart; p < t.end;) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export const rawOf = (t: Tlv): Buffer => t.buf.subarray(t.start, t.end);
export const contentOf = (t: Tlv): Buffer => t.buf.subarray(t.contentStart, t.end);

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw bad(`${what} expected`);
  return t;
}

export function oidOf(t: Tlv | undefined): string {
  return forge.asn1.derToOid(
    forge.util.createBuffer(contentOf(expectTag(t, TAG.OID, 'an OID')).toString('binary')),
  );
}

export function timeOf(t: Tlv): Date {
  const text = contentOf(t).toString('latin1');
  if (t.tag === TAG.UTC_TIME) return forge.asn1.utcTimeToDate(text);
  if (t.tag === TAG.GENERALIZED_TIME) return forge.asn1.generalizedTimeToDate(text);
  throw bad('a time expected');
}
