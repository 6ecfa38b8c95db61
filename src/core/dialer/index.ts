export { Dialer } from './dialer.js';
export { CallList } from './call-list.js';
export { isWorkingTime, type Schedule, type WorkingTime } from './schedule.js';
export type * from './types.js';
