export * from './patterns.js';
export * from './agency.dto.js';
export * from './system.dto.js';
export * from './requests.dto.js';
export * from './validate.js';
