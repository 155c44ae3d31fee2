import { describe, it, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspectForwarded, inspectSubmission } from './submission.inspector.js';
import type { SubmitHeaders, SubmitInput } from './exchange.types.js';
import { SAMPLES } from '../../../test/support/samples.js';

const bytes = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const EDOC = bytes('edoc_new.edxml'); // From 000.00.00.K19
const STATUS = bytes('status_acceptance_03.edxml');
const statusFrom = /<edXML:From>\s*<edXML:OrganId>([^<]+)</.exec(STATUS.toString('utf8'))![1];
const MAX = 10 * 1024 * 1024;

function input(body: Buffer, headers: SubmitHeaders, agencies = ['000.00.00.K19', statusFrom]): SubmitInput {
  return { systemId: 'sys-a', agencies: new Set(agencies), headers, body };
}
const edocHeaders = (over: SubmitHeaders = {}): SubmitHeaders => ({
  from: '000.00.00.K19',
  messagetype: 'edoc',
  servicetype: 'eDoc',
  hashFile: sha(EDOC),
  ...over,
});
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('inspectSubmission', () => {
  it('accepts a valid document and says what it is', () => {
    const s = inspectSubmission(input(EDOC, edocHeaders({ to: '["000.00.50.H19"]' })), MAX);
    expect(s).toMatchObject({
      from: '000.00.00.K19',
      to: ['000.00.50.H19'],
      messageType: 'edoc',
      serviceType: 'eDoc',
      sha256: sha(EDOC),
      sizeBytes: EDOC.length,
      documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      documentKey: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    });
    expect(s.pkg.kind).toBe('edoc');
  });

  it('accepts a valid status package', () => {
    const s = inspectSubmission(
      input(STATUS, { from: statusFrom, messagetype: 'status', hashFile: sha(STATUS).toUpperCase() }),
      MAX,
    );
    expect(s.messageType).toBe('status');
    expect(s.documentKey).toMatch(/\|03\|/);
  });

  it('refuses a sender that is not an agency of the calling system', () => {
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders(), ['000.00.00.G22']), MAX))).toBe(
      'FORBIDDEN_SENDER',
    );
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders({ from: '' })), MAX))).toBe('BAD_REQUEST');
  });

  it('checks the messagetype, servicetype and to headers', () => {
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders({ messagetype: 'fax' })), MAX))).toBe(
      'BAD_REQUEST',
    );
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders({ servicetype: 'eMail' })), MAX))).toBe(
      'BAD_REQUEST',
    );
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders({ to: '[x' })), MAX))).toBe('BAD_REQUEST');
  });

  it('requires hash-file and compares it case-insensitively with the body', () => {
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders({ hashFile: undefined })), MAX))).toBe(
      'HASH_MISSING',
    );
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders({ hashFile: sha(STATUS) })), MAX))).toBe(
      'HASH_MISMATCH',
    );
    expect(
      inspectSubmission(input(EDOC, edocHeaders({ hashFile: sha(EDOC).toUpperCase() })), MAX).sha256,
    ).toBe(sha(EDOC));
  });

  it('refuses a package above the size limit', () => {
    expect(codeOf(() => inspectSubmission(input(EDOC, edocHeaders()), EDOC.length - 1))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(inspectSubmission(input(EDOC, edocHeaders()), EDOC.length).sizeBytes).toBe(EDOC.length);
  });

  it('passes the edXML library codes through', () => {
    const bad = bytes('edoc_2803_malformed.edxml');
    expect(codeOf(() => inspectSubmission(input(bad, edocHeaders({ hashFile: sha(bad) })), MAX))).toBe(
      'EDXML_MALFORMED',
    );
  });

  it('refuses a messagetype that is not the package kind', () => {
    expect(
      codeOf(() =>
        inspectSubmission(
          input(STATUS, { from: statusFrom, messagetype: 'edoc', hashFile: sha(STATUS) }),
          MAX,
        ),
      ),
    ).toBe('MESSAGE_TYPE_MISMATCH');
  });

  it('refuses a from header that is not the package sender', () => {
    const agencies = ['000.00.00.K19', '000.00.00.G22'];
    expect(
      codeOf(() => inspectSubmission(input(EDOC, edocHeaders({ from: '000.00.00.G22' }), agencies), MAX)),
    ).toBe('FROM_MISMATCH');
  });
});

describe('inspectForwarded', () => {
  it('takes the sender from the package, with the agencies the parent delivered it for', () => {
    const s = inspectForwarded(EDOC, 'edoc', ['000.00.01.H41'], MAX);
    expect(s).toMatchObject({
      from: '000.00.00.K19',
      to: ['000.00.01.H41'],
      messageType: 'edoc',
      serviceType: 'eDoc',
      sha256: sha(EDOC),
      documentKey: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    });
    expect(inspectForwarded(STATUS, 'status', [], MAX).from).toBe(statusFrom);
  });

  it('still checks the size, the validity and the kind', () => {
    expect(codeOf(() => inspectForwarded(EDOC, 'edoc', [], EDOC.length - 1))).toBe('PAYLOAD_TOO_LARGE');
    expect(codeOf(() => inspectForwarded(Buffer.alloc(0), 'edoc', [], MAX))).toBe('BAD_REQUEST');
    expect(codeOf(() => inspectForwarded(bytes('edoc_2803_malformed.edxml'), 'edoc', [], MAX))).toBe(
      'EDXML_MALFORMED',
    );
    expect(codeOf(() => inspectForwarded(STATUS, 'edoc', [], MAX))).toBe('MESSAGE_TYPE_MISMATCH');
  });
});
