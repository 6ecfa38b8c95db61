/**
 * Shared test support: what every interface's tests need, in one place (docs/ARCHITECTURE.md "Tests" describes
 * it). The golden-case driver is test/golden/driver.ts (test/golden/README.md).
 */
export * from './api.js';
export * from './barrier.js';
export * from './cleanup.js';
export * from './gateway.js';
export * from './log.js';
export * from './net.js';
export * from './receiver.js';
export * from './udp.js';
