/**
 * The metadata Open Media serves as a WCF service does: `?wsdl`, each schema at `?xsd=xsd0` … `?xsd=xsd6` (xsd0 the
 * operation wrappers, xsd1 serialization primitives, xsd2 the data contracts, xsd3 the faults, xsd4
 * System.IO.InvalidDataException, xsd5 System.Exception, xsd6 arrays), and `?disco`. The files (wsdl/openmedia/) are
 * written with the placeholder address LOCATION_BASE, replaced in every document by the address the client used, so
 * a client that fetches `?wsdl` from any host and port finds the schemas and the endpoint there.
 */
import type { SoapWsdlOptions } from '../../soap/index.js';

export const LOCATION_BASE = 'http://localhost:12615/OpenMediaService';

const SCHEMAS = Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((n) => [`xsd=xsd${n}`, `openmedia/xsd${n}.xsd`]));

export const WSDL_DOCUMENTS: SoapWsdlOptions = {
  file: 'openmedia/OpenMediaService.wsdl',
  extraDocs: { ...SCHEMAS, disco: 'openmedia/OpenMediaService.disco' },
  locationBase: LOCATION_BASE,
};
