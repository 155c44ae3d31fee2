import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRootCa, issueIntermediate, issueSealCert } from '#pki';

/** Files of a development seal: what the gateway is given, and the root to verify receipts against. */
export interface DevSealFiles {
  keyFile: string;
  /** Seal certificate, then the intermediate. */
  certFile: string;
  /** The development root CA (the trust anchor for `docaxis receipt verify --trust`). */
  caFile: string;
}

/**
 * A development seal for the local stack: root CA → intermediate → seal certificate of the axis (its OrganId
 * in organizationIdentifier), written once into `dir` and reused on later starts. Never for production.
 */
export function ensureDevSeal(dir: string, axisOrganId: string): DevSealFiles {
  const files: DevSealFiles = {
    keyFile: join(dir, 'seal.key'),
    certFile: join(dir, 'seal.crt'),
    caFile: join(dir, 'seal-root.crt'),
  };
  if (Object.values(files).every((f) => existsSync(f))) return files;
  mkdirSync(dir, { recursive: true });
  const root = createRootCa({ commonName: 'docaxis development root (not for production)' });
  const intermediate = issueIntermediate(root, { commonName: 'docaxis development seal CA', pathLen: 0 });
  const seal = issueSealCert(intermediate, { axisOrganId, name: `docaxis axis ${axisOrganId}`, days: 825 });
  writeFileSync(files.keyFile, seal.keyPem, { mode: 0o600 });
  writeFileSync(files.certFile, seal.certPem + intermediate.certPem);
  writeFileSync(files.caFile, root.certPem);
  return files;
}
