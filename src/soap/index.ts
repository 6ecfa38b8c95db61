export * from './envelope.js';
export * from './server.js';
export * from './wssecurity.js';
export * from './xml.js';
