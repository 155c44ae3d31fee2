export * from './blob.options.js';
export * from './chunks.js';
export * from './blob.store.js';
export * from './blobs.module.js';
