export * from './sdk.protocol.js';
export * from './docaxis.client.js';
