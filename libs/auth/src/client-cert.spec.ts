import { describe, it, expect } from '@jest/globals';
import { systemIdFromSubjectAltName } from './client-cert.js';

describe('systemIdFromSubjectAltName', () => {
  it('reads the system from its URI among other names', () => {
    expect(systemIdFromSubjectAltName('URI:urn:docaxis:system:sys-a')).toBe('sys-a');
    expect(
      systemIdFromSubjectAltName(
        'DNS:qlvb.example.gov.vn, URI:urn:docaxis:system:nghean.qlvb_1, IP Address:10.0.0.1',
      ),
    ).toBe('nghean.qlvb_1');
  });

  it('names no system without the URI, with another scheme, a malformed id, or two systems', () => {
    expect(systemIdFromSubjectAltName(undefined)).toBeUndefined();
    expect(systemIdFromSubjectAltName('DNS:sys-a')).toBeUndefined();
    expect(systemIdFromSubjectAltName('URI:urn:other:system:sys-a')).toBeUndefined();
    expect(systemIdFromSubjectAltName('URI:urn:docaxis:system:')).toBeUndefined();
    expect(systemIdFromSubjectAltName('URI:urn:docaxis:system:a b')).toBeUndefined();
    expect(
      systemIdFromSubjectAltName('URI:urn:docaxis:system:sys-a, URI:urn:docaxis:system:sys-b'),
    ).toBeUndefined();
    // A DNS name that merely contains the URI text is not a URI name.
    expect(systemIdFromSubjectAltName('DNS:URI:urn:docaxis:system:sys-a')).toBeUndefined();
  });
});
