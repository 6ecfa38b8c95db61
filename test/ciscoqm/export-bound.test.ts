/**
 * exportRecording has a bounded queue (ciscoqm.maxQueuedExports): 100 concurrent exports are not all accepted to pile
 * up files; beyond the bound the answer is a Receiver fault, retry later.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QM_NS, QmServerClient } from './client.js';
import { startQm, World } from './gateway.js';

describe('export queue bound', () => {
  it('takes maxQueuedExports exports at once and refuses the rest of 100 concurrent ones with a Receiver fault', async () => {
    // An encoder that never finishes (killed when the gateway stops): the first exports stay queued.
    const dir = mkdtempSync(join(tmpdir(), 'ccgate-qm-encoder-'));
    const encoder = join(dir, 'encoder.sh');
    writeFileSync(encoder, '#!/bin/sh\nexec sleep 600\n');
    chmodSync(encoder, 0o755);
    const busy = await startQm({ maxQueuedExports: 3, maxConcurrentExports: 1, ffmpegPath: encoder });
    try {
      const world = new World(busy.baseUrl);
      await world.hangup(await world.answeredCall('1101', 'HARRI'));
      const client = new QmServerClient(busy.baseUrl, 'qmadmin', 'qmadmin');
      // Exports are taken once the recording is complete (its WAV written).
      let ccr = (await client.search('')).ccrs[0];
      while (ccr?.hasAudio !== 'true') {
        await new Promise((r) => setImmediate(r));
        ccr = (await client.search('')).ccrs[0];
      }
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => client.call(`<exportRecording xmlns="${QM_NS}"><ccrId>${ccr?.id}</ccrId><mediatype>WMV</mediatype></exportRecording>`)),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
      const refused = answers.filter((a) => a.status !== 200);
      expect(refused).toHaveLength(97);
      for (const a of refused) {
        expect(a.status).toBe(500);
        expect(a.fault).toMatchObject({ code: 'soap:Receiver', reason: expect.stringMatching(/3 exports are already waiting or running; retry later/) });
      }
    } finally {
      await busy.close();
    }
  });
});
