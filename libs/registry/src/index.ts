// The agency/system registry and the DX1 request-signing scheme shared by the gateway and its clients.
export * from './secret-box.js';
export * from './csv.js';
export * from './dto/index.js';
export * from './registry.types.js';
export * from './registry.import.js';
export * from './registry.repository.js';
export * from './registry.service.js';
export * from './registry.seed.js';
export * from './registry.module.js';
