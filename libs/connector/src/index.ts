// The link between axes: the connector of a provincial axis (store and forward to the parent axis, its
// deliveries in, registry sync) with its SDK-HTTP and NATS drivers, and the national end of the NATS driver.
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
export * from './axis-link.subjects.js';
export * from './axis-link.dto.js';
export * from './nats.link.js';
export * from './axis-link.responder.js';
export * from './axis-link.module.js';
