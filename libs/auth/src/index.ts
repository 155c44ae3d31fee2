export * from './auth.types.js';
export * from './auth.service.js';
export * from './nonce.store.js';
export * from './system-auth.guard.js';
export * from './principal.decorator.js';
export * from './auth.module.js';
