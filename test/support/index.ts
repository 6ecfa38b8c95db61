/**
 * Shared test support: what every interface's tests need, in one place (test/golden/README.md and
 * docs/ARCHITECTURE.md "Tests" describe it). The golden-case driver is `./golden.js`.
 */
export * from './api.js';
export * from './barrier.js';
export * from './cleanup.js';
export * from './gateway.js';
export * from './log.js';
export * from './net.js';
export * from './receiver.js';
export * from './udp.js';
