export * from './sdk.protocol.js';
export * from './docaxis.client.js';
export * from './tls-fetch.js';
export * from './nats-agency.client.js';
