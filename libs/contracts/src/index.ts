export * from './generated/contracts.js';
export * from './subjects.js';
export * from './errors.js';
export * from './request-signature.js';
export * from './trace-codec.js';
export * from './token-subjects.js';
export * from './agency-subjects.js';
