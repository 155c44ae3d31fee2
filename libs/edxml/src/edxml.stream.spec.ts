// The streaming scanner of large packages reads a package a piece at a time and must end where parseEdxml and
// validateEdxml end on the whole package: the same model (but attachment contents), the same issues, the same
// error codes.
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  EDXML_STREAM_LIMITS,
  EdxmlStreamScanner,
  parseEdxml,
  validateEdxml,
  type EdxmlDocument,
  type EdxmlPackage,
} from './index.js';
import { SAMPLES } from '../../../test/support/samples.js';

const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const wellFormed = readdirSync(SAMPLES).filter((f) => f.endsWith('.edxml') && !f.includes('malformed'));

function scan(bytes: Buffer, pieceBytes: number) {
  const s = new EdxmlStreamScanner();
  for (let at = 0; at < bytes.length; at += pieceBytes) s.write(bytes.subarray(at, at + pieceBytes));
  return s.finish();
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

/** The model without attachment contents (the scanner replaces them with a stand-in). */
function withoutContents(pkg: EdxmlPackage): unknown {
  if (pkg.kind !== 'edoc') return pkg;
  return {
    ...pkg,
    attachments: pkg.attachments?.map((a) => ({ ...a, ContentTransferEncoded: undefined })),
  };
}

const withContent = (base64: string): Buffer =>
  Buffer.from(
    sample('edoc_new.edxml')
      .toString('utf8')
      .replace(/(<(?:\w+:)?ContentTransferEncoded[^>]*>)[^<]*(<\/)/, `$1${base64}$2`),
    'utf8',
  );

describe('EdxmlStreamScanner', () => {
  it.each(wellFormed)('%s, in 7-byte and 64 KiB pieces, reads as parseEdxml reads it', (name) => {
    const bytes = sample(name);
    const whole = parseEdxml(bytes);
    for (const piece of [7, 65536]) {
      const got = scan(bytes, piece);
      expect(withoutContents(got.pkg)).toEqual(withoutContents(whole));
      expect(validateEdxml(got.pkg)).toEqual(validateEdxml(whole));
      expect(got.skeleton.length).toBeLessThanOrEqual(bytes.length);
    }
  });

  it('finds a Signature where the XML-DSig verifier looks for one', () => {
    const signed = sample('edoc_new.edxml'); // a placeholder <Signature> in edXMLHeader
    expect(scan(signed, 50).hasSignature).toBe(true);
    const unsigned = Buffer.from(signed.toString('utf8').replace(/<Signature>[\s\S]*<\/Signature>/, ''));
    expect(parseEdxml(unsigned).signatureXml).toBeUndefined();
    expect(scan(unsigned, 50).hasSignature).toBe(false);
  });

  it('counts each attachment decoded and holds none of its content', () => {
    const content = Buffer.alloc(300_000, 7).toString('base64');
    const got = scan(withContent(content), 1000);
    expect(got.skeleton).not.toContain(content.slice(0, 100));
    const doc = got.pkg as EdxmlDocument;
    expect(got.attachments[0]).toEqual({ contentId: doc.attachments[0].ContentId, decodedBytes: 300_000 });
    expect(validateEdxml(got.pkg)).toEqual([]);
  });

  it('reports bad base64 as validateEdxml does for the whole package', () => {
    const bytes = withContent('AAA*');
    const codes = (pkg: EdxmlPackage) => validateEdxml(pkg).map((i) => i.code);
    expect(codes(scan(bytes, 3).pkg)).toEqual(codes(parseEdxml(bytes)));
    expect(codes(scan(bytes, 3).pkg)).toContain('EDXML_BASE64');
    expect(codes(scan(withContent('AAAAA'), 3).pkg)).toContain('EDXML_BASE64');
  });

  it('refuses what parseEdxml refuses, with the same codes', () => {
    const good = sample('edoc_new.edxml');
    const cases: Buffer[] = [
      Buffer.concat([good.subarray(0, 100), Buffer.from([0xc3, 0x28]), good.subarray(100)]), // not UTF-8
      Buffer.from(
        good.toString('utf8').replace('<edXML:edXMLEnvelope', '<!DOCTYPE x []><edXML:edXMLEnvelope'),
      ),
      good.subarray(0, good.length - 40), // truncated
      Buffer.from(good.toString('utf8').replace('</edXML:edXMLEnvelope>', '</edXML:Wrong>')),
      Buffer.from(good.toString('utf8'), 'utf16le'), // UTF-16
    ];
    for (const bytes of cases) {
      const expected = codeOf(() => parseEdxml(bytes));
      expect(expected).toBeDefined();
      expect(codeOf(() => scan(bytes, 11))).toBe(expected);
    }
  });

  it('refuses a package whose non-attachment part is above the limit', () => {
    const big = 'x'.repeat(EDXML_STREAM_LIMITS.maxSkeletonChars + 1);
    const bytes = Buffer.from(
      sample('edoc_new.edxml')
        .toString('utf8')
        .replace(/<(\w+:)?Description>[^<]*</, `<$1Description>${big}<`),
    );
    expect(codeOf(() => scan(bytes, 1 << 20))).toBe('EDXML_FIELD_TOO_LARGE');
  });
});
