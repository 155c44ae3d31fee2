// The connector of a provincial axis: store and forward to the parent axis, its deliveries in, registry sync.
export * from './connector.options.js';
export * from './parent-link.js';
export * from './link-errors.js';
export * from './lifetime.js';
export * from './registry-sync.js';
export * from './sdk-http.link.js';
export * from './outbound.repository.js';
export * from './outbound.service.js';
export * from './inbound.service.js';
export * from './connector-state.repository.js';
export * from './registry-sync.service.js';
export * from './connector.poller.js';
export * from './connector.module.js';
