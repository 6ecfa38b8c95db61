/** Every core error code has a TelServices error element (seed "Error"); a new code without a row fails here. */
import { describe, expect, it } from 'vitest';
import { CORE_ERROR_CODES, CoreError } from '../../src/core/index.js';
import { errorXml, TS_ERRORS } from '../../src/interfaces/telservices/codec.js';
import { CORE_TO_TS_ERROR, TsError, wireError } from '../../src/interfaces/telservices/errors.js';

describe('core error codes → TelServices errors', () => {
  it('maps every CoreErrorCode to one of the nine seed errors', () => {
    for (const code of CORE_ERROR_CODES) {
      const wire = (CORE_TO_TS_ERROR as Record<string, string | undefined>)[code];
      expect(wire, `core error ${code} has no TelServices mapping`).toBeDefined();
      expect(TS_ERRORS as readonly string[]).toContain(wire);
    }
    expect(Object.keys(CORE_TO_TS_ERROR).sort()).toEqual([...CORE_ERROR_CODES].sort());
  });

  it('keeps the mappings a real TelServer implies', () => {
    expect(wireError(new CoreError('pbxLinkDown'))).toEqual({ code: 'pbxlinkOutOfService', unexpected: false });
    expect(wireError(new CoreError('noCall'))).toEqual({ code: 'noCall', unexpected: false });
    expect(wireError(new CoreError('callGone'))).toEqual({ code: 'noCall', unexpected: false });
    expect(wireError(new CoreError('destinationBusy'))).toEqual({ code: 'pbxReject', unexpected: false });
    expect(wireError(new CoreError('limitExceeded'))).toEqual({ code: 'resourceError', unexpected: false });
    expect(wireError(new TsError('sessionLimitExceeded'))).toEqual({ code: 'sessionLimitExceeded', unexpected: false });
  });

  it('answers anything unexpected with resourceError, never internals', () => {
    expect(wireError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({ code: 'resourceError', unexpected: true });
    expect(errorXml('resourceError')).toBe('<TelServiceReturn><error><resourceError/></error></TelServiceReturn>');
  });
});
