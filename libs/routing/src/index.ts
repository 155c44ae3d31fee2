export * from './routing.options.js';
export * from './routing.rules.js';
export * from './delivery.repository.js';
export * from './submission.repository.js';
export * from './recipient.resolver.js';
export * from './routing.service.js';
export * from './delivery-expiry.service.js';
export * from './routing.module.js';
