// XML-DSig enveloped signatures over edXML packages: canonicalisation, signing and verification.
export {};
