export * from './archive.metadata.js';
export * from './archive.repository.js';
export * from './archive.service.js';
export * from './delivery-event.dto.js';
export * from './archive.module.js';
