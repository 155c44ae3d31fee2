// PDF signatures (ISO 32000 / PAdES): signing test and demo PDFs by incremental update with a detached CMS,
// and verifying every signature of a PDF (byte ranges, digest, CMS signature, signer chain).
export * from './pdf.signer.js';
export * from './pdf.verifier.js';
export * from './pdf.minimal.js';
export { signDetachedCms, type CmsSignerOptions } from './cms.signer.js';
export { cmsDer, verifyDetachedCms, type CmsParsed } from './cms.verifier.js';
