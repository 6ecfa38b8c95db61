/** The interfaces a default gateway runs. Each entry is a factory from src/interfaces/<name>/index.ts. */
import type { InterfaceFactory } from './types.js';

export const defaultInterfaces: InterfaceFactory[] = [];
