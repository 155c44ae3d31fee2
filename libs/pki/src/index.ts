// Certificates for docaxis: issuance (node-forge), PKCS#12, CRLs, and chain verification (node:crypto).
export * from './pki.issuer.js';
export * from './pkcs12.js';
export * from './crl.js';
export * from './trust.store.js';
export { certInfo, SYSTEM_URI_PREFIX, type CertInfo, type KeyUsageName } from './cert-info.js';
export { normalizeSerial } from './der.js';
export * from './ca.directory.js';
