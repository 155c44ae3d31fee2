import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustStore, organIdOf } from '#pki';
import { loadSeal } from '#trust';
import { localSealEnv } from './hub.seal.js';

describe('localSealEnv (seal of the local hub)', () => {
  it('provisions a development seal once, bound to the axis OrganId and chaining to the root it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dx-hub-seal-'));
    const first = localSealEnv({ DOCAXIS_AXIS_ORGAN_ID: '000.00.00.H41' }, dir);
    const seal = loadSeal({ sealKey: first.env.DOCAXIS_SEAL_KEY, sealCert: first.env.DOCAXIS_SEAL_CERT });
    expect(organIdOf(seal!.chain[0])).toBe('000.00.00.H41');
    const store = new TrustStore({ anchors: [readFileSync(first.trustFile!, 'utf8')] });
    const [leaf, ...extra] = seal!.chain;
    expect(store.verify(leaf, { at: new Date(), purpose: 'seal', extra }).organId).toBe('000.00.00.H41');
    const again = localSealEnv({}, dir);
    expect(readFileSync(again.env.DOCAXIS_SEAL_CERT!, 'utf8')).toBe(
      readFileSync(first.env.DOCAXIS_SEAL_CERT!, 'utf8'),
    );
  });

  it("leaves an operator's own seal alone", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dx-hub-seal-'));
    expect(localSealEnv({ DOCAXIS_SEAL_P12: '/etc/docaxis/seal.p12' }, dir)).toEqual({ env: {} });
    expect(localSealEnv({ DOCAXIS_SEAL_KEY: 'k', DOCAXIS_SEAL_CERT: 'c' }, dir)).toEqual({ env: {} });
  });
});
