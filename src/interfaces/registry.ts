/** The interfaces a default gateway runs. Each entry is a factory from src/interfaces/<name>/index.ts. */
import { openmediaInterface } from './openmedia/index.js';
import { ciscoqmInterface } from './ciscoqm/index.js';
import { iciInterface } from './ici/index.js';
import { qmiInterface } from './qmi/index.js';
import { telservicesInterface } from './telservices/index.js';
import type { InterfaceFactory } from './types.js';

export const defaultInterfaces: InterfaceFactory[] = [qmiInterface, telservicesInterface, iciInterface, openmediaInterface, ciscoqmInterface];
