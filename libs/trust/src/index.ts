// Package trust: signature policy, verification against the trust store, and the hub's signed receipts.
export * from './seal.js';
export * from './seal.dev.js';
export * from './receipt.js';
export * from './signature.policy.js';
export * from './package-signature.js';
export * from './trust-store.provider.js';
export * from './package-signature.service.js';
export * from './signature.config.js';
