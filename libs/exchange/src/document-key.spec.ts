import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEdxml } from '#edxml';
import { documentKeyOf } from './document-key.js';
import { SAMPLES } from '../../../test/support/samples.js';

const SHA = 'ab'.repeat(32);
const sample = (name: string) => parseEdxml(readFileSync(path.join(SAMPLES, name)));

describe('documentKeyOf', () => {
  it('keys a document by its DocumentId', () => {
    const pkg = sample('edoc_new.edxml');
    expect(pkg.kind).toBe('edoc');
    const documentId = pkg.kind === 'edoc' ? pkg.MessageHeader.DocumentId : undefined;
    expect(documentId).toBeTruthy();
    expect(documentKeyOf(pkg, SHA)).toEqual({ documentKey: documentId, documentId });
  });

  it('keys a status by the answered DocumentId, its StatusCode and its Timestamp', () => {
    const pkg = sample('status_acceptance_03.edxml');
    if (pkg.kind !== 'status') throw new Error('expected a status sample');
    const h = pkg.MessageHeader;
    const key = documentKeyOf(pkg, SHA);
    expect(key.documentId).toBe(h.ResponseFor?.DocumentId);
    expect(key.documentKey).toBe(`${h.ResponseFor?.DocumentId}|03|${h.Timestamp}`);
  });

  it('gives two statuses about the same document different keys', () => {
    const a = documentKeyOf(sample('status_acceptance_03.edxml'), SHA);
    const b = documentKeyOf(sample('status_finish_06.edxml'), SHA);
    expect(a.documentKey).not.toBe(b.documentKey);
  });

  it('keys a revocation by DocumentId, type and content, so it never collides with the document it revokes', () => {
    const original = documentKeyOf(sample('edoc_new.edxml'), SHA);
    const revoke = sample('edoc_revocation.edxml');
    if (revoke.kind !== 'edoc') throw new Error('expected a document sample');
    expect(revoke.MessageHeader.DocumentId).toBe(original.documentId);
    const key = documentKeyOf(revoke, SHA);
    expect(key.documentKey).toBe(`${revoke.MessageHeader.DocumentId}|1|${SHA}`);
    expect(key.documentKey).not.toBe(original.documentKey);
    expect(documentKeyOf(revoke, 'cd'.repeat(32)).documentKey).not.toBe(key.documentKey);
  });
});
