export * from './data-source.js';
export * from './entities/registry-system.entity.js';
export * from './entities/registry-agency.entity.js';
export * from './entities/submission.entity.js';
export * from './entities/delivery.entity.js';
export * from './entities/archived-package.entity.js';
export * from './entities/delivery-history.entity.js';
export * from './store.module.js';
