import sax from 'sax';
import { EdxmlErrorCode } from './edxml.constants.js';
import { EdxmlError } from './edxml.error.js';
import type { EdxmlPackage } from './edxml.model.js';
import { parseEdxml } from './edxml.parser.js';

export const EDXML_STREAM_LIMITS = {
  /**
   * Most UTF-16 code units of everything but attachment contents (envelope, header, manifest, attachment names):
   * the header's own limits (64 KiB a field, 1000 To) keep real packages far below it.
   */
  maxSkeletonChars: 8 * 1024 * 1024,
} as const;

/** Stands in for a non-empty attachment content that was checked as valid base64 while it streamed past. */
const VALID_PLACEHOLDER = 'AAAA';
/** Stands in for one that was not: the validator then reports EDXML_BASE64 exactly as for a whole package. */
const INVALID_PLACEHOLDER = '!!!!';
const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

export interface ScannedAttachment {
  contentId: string;
  /** Size of the attachment once base64-decoded. */
  decodedBytes: number;
}

export interface ScannedEdxml {
  /** The package parsed from its skeleton: every element as sent, attachment contents replaced by a stand-in. */
  pkg: EdxmlPackage;
  /** The skeleton itself (small): what parseEdxml read. */
  skeleton: string;
  attachments: ScannedAttachment[];
  /** An XML-DSig Signature element occurs anywhere in the package. */
  hasSignature: boolean;
}

interface Base64Check {
  symbols: number;
  padding: number;
  valid: boolean;
}

/**
 * Reads an edXML package as it streams past, holding only its skeleton: every byte except the text of each
 * attachment's ContentTransferEncoded, which is checked as base64 on the way (as isValidBase64 does) and
 * replaced by a four-character stand-in. `finish()` parses the skeleton with parseEdxml, so a large package
 * gets the same checks, the same model and the same error codes as a small one, in memory bounded by the
 * skeleton (EDXML_STREAM_LIMITS) and one chunk. Throws EdxmlError: EDXML_ENCODING (not UTF-8),
 * EDXML_DOCTYPE_FORBIDDEN, EDXML_MALFORMED, EDXML_FIELD_TOO_LARGE (a skeleton above the limit), and whatever
 * parseEdxml throws.
 */
export class EdxmlStreamScanner {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly parser = sax.parser(true, { xmlns: true, position: true });
  private readonly kept: string[] = [];
  private keptChars = 0;
  /** Decoded text not yet kept or dropped, starting at sax position `base`. */
  private pending = '';
  private base = 0;
  private first = true;
  /** The end of the previous text, to find a <!DOCTYPE split between two pieces. */
  private tail = '';
  private failure: EdxmlError | undefined;
  /** Set while inside a ContentTransferEncoded element: its text is checked and dropped. */
  private skipping: { name: string; check: Base64Check } | undefined;
  private attachment: { contentId: string; decodedBytes: number } | undefined;
  private inContentId = false;
  private readonly attachments: ScannedAttachment[] = [];
  private hasSignature = false;
  /** Local names of the open elements. */
  private readonly open: string[] = [];

  constructor() {
    const p = this.parser;
    p.onerror = (e) => {
      this.failure ??= new EdxmlError(
        EdxmlErrorCode.Malformed,
        `edXML is not well-formed: ${e.message.split('\n')[0]}`,
      );
    };
    p.ondoctype = () => {
      this.failure ??= new EdxmlError(
        EdxmlErrorCode.DoctypeForbidden,
        'edXML must not contain a <!DOCTYPE> declaration',
      );
    };
    p.onopentag = (tag) => {
      const t = tag as sax.QualifiedTag;
      if (this.skipping) {
        // Markup inside an attachment's content: it is not base64.
        this.skipping.check.valid = false;
        return;
      }
      // As the XML-DSig verifier finds one: any Signature in edXMLHeader, an XML-DSig Signature anywhere.
      if (t.local === 'Signature' && (t.uri === DSIG_NAMESPACE || this.open.at(-1) === 'edXMLHeader')) {
        this.hasSignature = true;
      }
      this.open.push(t.local);
      if (t.local === 'Attachment') this.attachment = { contentId: '', decodedBytes: 0 };
      if (t.local === 'ContentId' && this.attachment) this.inContentId = true;
      if (t.local === 'ContentTransferEncoded' && !t.isSelfClosing) {
        this.keep(p.position);
        this.skipping = { name: t.name, check: { symbols: 0, padding: 0, valid: true } };
      }
    };
    p.ontext = (text) => {
      if (this.skipping) checkBase64(this.skipping.check, text);
      else if (this.inContentId && this.attachment && this.attachment.contentId.length < 1024) {
        this.attachment.contentId += text;
      }
    };
    p.onclosetag = (name) => {
      if (this.skipping) {
        if (name !== this.skipping.name) return;
        const { check } = this.skipping;
        this.skipping = undefined;
        this.open.pop();
        // Drop the content (and the close tag as written), write the stand-in and the close tag.
        this.drop(p.position);
        const valid = check.valid && check.symbols % 4 === 0;
        if (check.symbols || !valid) this.append(valid ? VALID_PLACEHOLDER : INVALID_PLACEHOLDER);
        this.append(`</${name}>`);
        if (this.attachment) {
          this.attachment.decodedBytes = valid ? (check.symbols * 3) / 4 - check.padding : 0;
        }
        return;
      }
      const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
      this.open.pop();
      if (local === 'ContentId') this.inContentId = false;
      if (local === 'Attachment' && this.attachment) {
        this.attachments.push({ ...this.attachment, contentId: this.attachment.contentId.trim() });
        this.attachment = undefined;
      }
    };
  }

  /** Feeds the next bytes; throws as soon as the package is known to be unacceptable. */
  write(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.first && chunk.length) {
      this.first = false;
      const [b0, b1] = chunk;
      if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe) || b0 === 0x00 || b1 === 0x00) {
        throw (this.failure = new EdxmlError(
          EdxmlErrorCode.Encoding,
          'edXML must be UTF-8; the input looks like UTF-16 or UTF-32',
        ));
      }
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw (this.failure = new EdxmlError(
        EdxmlErrorCode.Encoding,
        'edXML must be UTF-8; the input is not valid UTF-8',
      ));
    }
    this.feed(text);
  }

  /** Ends the input: parses the skeleton. */
  finish(): ScannedEdxml {
    if (this.failure) throw this.failure;
    let rest: string;
    try {
      rest = this.decoder.decode();
    } catch {
      throw new EdxmlError(EdxmlErrorCode.Encoding, 'edXML must be UTF-8; the input is not valid UTF-8');
    }
    this.feed(rest);
    this.parser.close();
    if (this.failure) throw this.failure;
    if (this.skipping) throw new EdxmlError(EdxmlErrorCode.Malformed, 'edXML ends inside an attachment');
    const skeleton = this.kept.join('');
    return {
      pkg: parseEdxml(skeleton),
      skeleton,
      attachments: this.attachments,
      hasSignature: this.hasSignature,
    };
  }

  private feed(text: string): void {
    if (!text) return;
    // As parseEdxml: a DTD anywhere (even where sax would first see a syntax error) is refused as such.
    if (/<!DOCTYPE/i.test(this.tail + text)) {
      throw (this.failure = new EdxmlError(
        EdxmlErrorCode.DoctypeForbidden,
        'edXML must not contain a <!DOCTYPE> declaration',
      ));
    }
    this.tail = text.slice(-8);
    this.pending += text;
    this.parser.write(text);
    if (this.failure) throw this.failure;
    // Everything fed is processed: keep it, or drop it while inside an attachment's content.
    if (this.skipping) this.drop(this.base + this.pending.length);
    else this.keep(this.base + this.pending.length);
  }

  /** Keeps the pending text up to sax position `to`. */
  private keep(to: number): void {
    this.append(this.pending.slice(0, to - this.base));
    this.drop(to);
  }

  /** Forgets the pending text up to sax position `to`. */
  private drop(to: number): void {
    this.pending = this.pending.slice(to - this.base);
    this.base = to;
  }

  private append(text: string): void {
    if (!text) return;
    this.keptChars += text.length;
    if (this.keptChars > EDXML_STREAM_LIMITS.maxSkeletonChars) {
      throw (this.failure = new EdxmlError(
        EdxmlErrorCode.FieldTooLarge,
        `edXML outside its attachments' contents is larger than ${EDXML_STREAM_LIMITS.maxSkeletonChars} characters`,
      ));
    }
    this.kept.push(text);
  }
}

/** isValidBase64, a piece at a time: whitespace is ignored, at most two '=' and only at the end. */
function checkBase64(c: Base64Check, text: string): void {
  if (!c.valid) return;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) continue;
    if (ch === 0x3d) {
      if (++c.padding > 2) c.valid = false;
    } else if (
      c.padding > 0 ||
      !(
        (ch >= 0x41 && ch <= 0x5a) ||
        (ch >= 0x61 && ch <= 0x7a) ||
        (ch >= 0x30 && ch <= 0x39) ||
        ch === 0x2b ||
        ch === 0x2f
      )
    ) {
      c.valid = false;
    }
    if (!c.valid) return;
    c.symbols++;
  }
}

/** Scans a whole stream of chunks (see EdxmlStreamScanner). */
export async function scanEdxml(source: AsyncIterable<Uint8Array>): Promise<ScannedEdxml> {
  const scanner = new EdxmlStreamScanner();
  for await (const chunk of source) scanner.write(chunk);
  return scanner.finish();
}
