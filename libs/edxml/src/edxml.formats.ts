// Value formats of edXML: agency identifiers, dates, timestamps, DocumentIds, ContentIds and base64.
// Pure functions, shared by the parser, the validator, the builder and other services.

export interface EdxmlDate {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

export interface EdxmlTimestamp extends EdxmlDate {
  readonly hh: number;
  readonly mm: number;
  readonly ss: number;
}

export interface EdxmlDocumentIdParts {
  readonly organId: string;
  /** As written (`yyyy/MM/dd` shaped); not necessarily a real calendar date, see the official samples. */
  readonly date: string;
  readonly codeNumber: string;
  readonly codeNotation: string;
}

const QCVN_ORGAN_ID = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
const DECISION20_ORGAN_ID = /^[A-Z0-9]+(?:\.[A-Z0-9]+)*$/;
const YMD = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})$/;
const DOCUMENT_ID = /^([^,]+),(\d{4}\/\d{2}\/\d{2}),([^/,]+)\/(.+)$/;
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** QCVN 102:2016 form `LLL.NN.NN.XNN`, e.g. `000.00.00.G22`. */
export const isQcvnOrganId = (value: string): boolean => QCVN_ORGAN_ID.test(value);

/** Decision 20/2020 form: up to 35 characters of A-Z 0-9, dot-separated groups, e.g. `H37.02.02`. */
export const isDecision20OrganId = (value: string): boolean =>
  value.length <= 35 && DECISION20_ORGAN_ID.test(value);

export const isOrganId = (value: string): boolean => isQcvnOrganId(value) || isDecision20OrganId(value);

function calendarDate(y: number, m: number, d: number): EdxmlDate | null {
  if (m < 1 || m > 12 || d < 1) return null;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth ? { y, m, d } : null;
}

/** `yyyy/MM/dd` (the standard) or `dd/MM/yyyy` (seen in the wild); null unless a real calendar date. */
export function parseEdxmlDate(value: string): EdxmlDate | null {
  const s = value.trim();
  const ymd = YMD.exec(s);
  if (ymd) return calendarDate(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
  const dmy = DMY.exec(s);
  if (dmy) return calendarDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  return null;
}

/** `yyyy/MM/dd HH:mm:ss` (or `dd/MM/yyyy HH:mm:ss`), Vietnam local time without offset. */
export function parseEdxmlTimestamp(value: string): EdxmlTimestamp | null {
  const s = value.trim();
  const space = s.indexOf(' ');
  if (space < 0) return null;
  const date = parseEdxmlDate(s.slice(0, space));
  const time = TIME.exec(s.slice(space + 1));
  if (!date || !time) return null;
  const [hh, mm, ss] = [Number(time[1]), Number(time[2]), Number(time[3])];
  if (hh > 23 || mm > 59 || ss > 59) return null;
  return { ...date, hh, mm, ss };
}

/** The instant an edXML timestamp denotes (it is Vietnam local time, UTC+7). */
export function edxmlTimestampToDate(value: string): Date | null {
  const t = parseEdxmlTimestamp(value);
  if (!t) return null;
  return new Date(Date.UTC(t.y, t.m - 1, t.d, t.hh, t.mm, t.ss) - VIETNAM_OFFSET_MS);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The Vietnam-local (UTC+7) calendar fields of an instant; Vietnam has no daylight saving time. */
function vietnamFields(date: Date): Date {
  if (Number.isNaN(date.getTime())) throw new RangeError('formatEdxml*: invalid Date');
  return new Date(date.getTime() + VIETNAM_OFFSET_MS);
}

/** `yyyy/MM/dd` of the Vietnam-local day of `date`. */
export function formatEdxmlDate(date: Date): string {
  const v = vietnamFields(date);
  return `${pad(v.getUTCFullYear(), 4)}/${pad(v.getUTCMonth() + 1)}/${pad(v.getUTCDate())}`;
}

/** `yyyy/MM/dd HH:mm:ss` in Vietnam local time, no offset suffix (the edXML convention). */
export function formatEdxmlTimestamp(date: Date): string {
  const v = vietnamFields(date);
  return `${formatEdxmlDate(date)} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
}

/**
 * `<issuer OrganId>,<yyyy/MM/dd>,<CodeNumber>/<CodeNotation>`. Only the shape is checked: the official
 * samples carry impossible dates (2014/02/30), and the issuer need not be the From agency.
 */
export function parseDocumentId(value: string): EdxmlDocumentIdParts | null {
  const m = DOCUMENT_ID.exec(value);
  if (!m || !isOrganId(m[1])) return null;
  return { organId: m[1], date: m[2], codeNumber: m[3], codeNotation: m[4] };
}

/** Comparable form of a ContentId: without `cid:` and MIME angle brackets (the original stays in the model). */
export function normalizeContentId(value: string): string {
  let s = value.trim();
  if (/^cid:/i.test(s)) s = s.slice(4).trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  return s;
}

/**
 * Syntactic base64 check in one pass without decoding (attachments reach tens of MB):
 * standard alphabet, XML whitespace anywhere, at most two `=` and only at the end, whole quanta.
 */
export function isValidBase64(value: string): boolean {
  // Fast path for the usual one-line base64 (a native regex scan is ~10x quicker than the loop below).
  if (!/[^A-Za-z0-9+/=]/.test(value)) {
    const firstPad = value.indexOf('=');
    return (
      value.length % 4 === 0 &&
      (firstPad < 0 ||
        (firstPad >= value.length - 2 && (firstPad === value.length - 1 || value.endsWith('=='))))
    );
  }
  let symbols = 0;
  let padding = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x3d) {
      if (++padding > 2) return false;
    } else if (
      padding > 0 ||
      !(
        (c >= 0x41 && c <= 0x5a) ||
        (c >= 0x61 && c <= 0x7a) ||
        (c >= 0x30 && c <= 0x39) ||
        c === 0x2b ||
        c === 0x2f
      )
    ) {
      return false;
    }
    symbols++;
  }
  return symbols % 4 === 0;
}
