export * from './sdk.protocol.js';
export * from './trace-header.js';
export * from './docaxis.client.js';
