export * from './joined.js';
export * from './left.js';
export * from './participant-joined.js';
export * from './participant-left.js';
export * from './error.js';
