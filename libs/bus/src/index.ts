export * from './bus.connection.js';
export * from './bus.message.js';
export * from './bus.client.js';
export * from './topology.js';
export * from './package.publisher.js';
export * from './dead-letters.js';
export * from './docaxis.transport.js';
export * from './bus.module.js';
