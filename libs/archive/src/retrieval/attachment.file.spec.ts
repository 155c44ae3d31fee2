import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Attachment, parseEdxml, type EdxmlDocument } from '#edxml';
import { readSample } from '../../../../test/support/samples.js';
import { attachmentFile, safeFileName } from './attachment.file.js';
import { unzipSingleEntry } from './single-zip.js';

// Zips are made by the real zip binary (Info-ZIP), as a producer's would be.
let dir: string;
const zip = (files: Record<string, Buffer>, args: string[] = []): Buffer => {
  const work = mkdtempSync(path.join(dir, 'z-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    writeFileSync(path.join(work, name), bytes);
  }
  execFileSync('zip', ['-q', '-X', ...args, 'out.zip', ...Object.keys(files)], { cwd: work });
  return readFileSync(path.join(work, 'out.zip'));
};
const attachment = (bytes: Buffer, fields: Partial<Attachment>): Attachment =>
  Object.assign(new Attachment(), { ContentTransferEncoded: bytes.toString('base64'), ...fields });

const text = Buffer.from('Quyết định số 123/QĐ-UBND\n'.repeat(200), 'utf8');

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'attachments-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('unzipSingleEntry', () => {
  it('unwraps a deflated and a stored one-entry zip', () => {
    expect(unzipSingleEntry(zip({ 'a.txt': text }))?.equals(text)).toBe(true);
    expect(unzipSingleEntry(zip({ 'a.txt': text }, ['-0']))?.equals(text)).toBe(true);
  });

  it('declines (null) a zip of two files, a non-zip, and a zip whose entry was corrupted (CRC)', () => {
    expect(unzipSingleEntry(zip({ 'a.txt': text, 'b.txt': text }))).toBeNull();
    expect(unzipSingleEntry(text)).toBeNull();
    const stored = zip({ 'a.txt': text }, ['-0']);
    const at = stored.indexOf('Quy');
    stored[at] ^= 0x01;
    expect(unzipSingleEntry(stored)).toBeNull();
  });
});

describe('attachmentFile', () => {
  it("decodes the SDK sample's zip-wrapped attachment and names it from AttachmentName", () => {
    const doc = parseEdxml(readSample('edoc_new.edxml')) as EdxmlDocument;
    const a = doc.attachments[0];
    const f = attachmentFile(a, 1);
    expect(f.info).toMatchObject({
      fileName: '1896_QD-TTg_m_294779.doc',
      declaredContentType: 'application/zip',
    });
    // The sample is a one-entry deflated zip written with a data descriptor (sizes only in the central directory).
    expect(f.info).toMatchObject({ unwrapped: 'zip', sizeBytes: 388_347, contentType: 'application/msword' });
    // The producer's .doc is a Word XML document.
    expect(f.bytes.subarray(0, 5).toString('latin1')).toBe('<?xml');
  });

  it('a zip-wrapped file: unwrapped, named from AttachmentName (not the entry), typed from that name', () => {
    const f = attachmentFile(
      attachment(zip({ 'inner/payload.exe': text }), {
        AttachmentName: 'công-văn.pdf',
        ContentType: 'application/zip',
      }),
      1,
    );
    expect(f.bytes.equals(text)).toBe(true);
    expect(f.info).toMatchObject({
      fileName: 'công-văn.pdf',
      contentType: 'application/pdf',
      unwrapped: 'zip',
    });
  });

  it('"x.pdf.zip" unwrapped is "x.pdf"; a multi-file zip stays a zip with its name', () => {
    expect(
      attachmentFile(
        attachment(zip({ 'x.pdf': text }), { AttachmentName: 'x.pdf.zip', ContentType: 'application/zip' }),
        1,
      ).info.fileName,
    ).toBe('x.pdf');
    const two = zip({ 'a.txt': text, 'b.txt': text });
    const f = attachmentFile(
      attachment(two, { AttachmentName: 'hồ-sơ.zip', ContentType: 'application/zip' }),
      2,
    );
    expect(f.bytes.equals(two)).toBe(true);
    expect(f.info).toMatchObject({
      fileName: 'hồ-sơ.zip',
      unwrapped: 'none',
      contentType: 'application/zip',
    });
  });

  it('a raw attachment is served as decoded, with its declared type', () => {
    const f = attachmentFile(
      attachment(text, { AttachmentName: 'ghi-chu.txt', ContentType: 'text/plain' }),
      3,
    );
    expect(f.bytes.equals(text)).toBe(true);
    expect(f.info).toMatchObject({ unwrapped: 'none', contentType: 'text/plain', sizeBytes: text.length });
  });

  it('invalid base64 is EDXML_BASE64', () => {
    expect(() =>
      attachmentFile(Object.assign(new Attachment(), { ContentTransferEncoded: 'not base64!' }), 1),
    ).toThrow(expect.objectContaining({ code: 'EDXML_BASE64' }));
  });
});

describe('safeFileName', () => {
  it('keeps the last path segment only, replaces forbidden characters, never returns an empty or dot name', () => {
    expect(safeFileName('../../etc/passwd', 1)).toBe('passwd');
    expect(safeFileName('C:\\Windows\\a:b.pdf', 1)).toBe('a_b.pdf');
    expect(safeFileName('..', 4)).toBe('attachment-4');
    expect(safeFileName(undefined, 2)).toBe('attachment-2');
    expect(safeFileName('tờ\u0000trình.pdf', 1)).toBe('tờ_trình.pdf');
  });
});
