// Certificates for docaxis: issuance (node-forge), PKCS#12, CRLs, and chain verification (node:crypto).
export {};
