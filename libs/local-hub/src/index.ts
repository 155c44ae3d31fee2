export * from './hub.state.js';
export * from './hub.secrets.js';
export * from './hub.supervisor.js';
export * from './hub.launcher.js';
export * from './demo-agencies.js';
export * from './repo-root.js';
export * from './demo-document.js';
export * from './demo-exchange.js';
