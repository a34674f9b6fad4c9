export * from './chain.js';
export * from './environment.js';
export * from './ports.js';
export type * from './types.js';
