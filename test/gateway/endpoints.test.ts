import { describe, expect, it } from 'vitest';
import { endpointUrls } from '../../src/endpoints.js';

describe('endpointUrls (the start-up log lines)', () => {
  it('lists every URL an interface serves on, its own ports included', () => {
    const urls = endpointUrls(['openmedia', 'ciscoqm'], 'http://127.0.0.1:8080', '127.0.0.1', { http: 8080, telservices: 7001, qmDesktop: 65001, qmNetwork: 65002, openMedia: 12615 });
    expect(urls['openmedia']).toEqual([
      'http://127.0.0.1:8080/OpenMediaService',
      'http://127.0.0.1:12615/OpenMediaService',
      'http://127.0.0.1:8080/OpenMediaServiceRest',
      'http://127.0.0.1:12615/OpenMediaServiceRest',
    ]);
    expect(urls['ciscoqm']).toEqual(['http://127.0.0.1:8080/serverapi/api', 'udp://127.0.0.1:65001', 'udp://127.0.0.1:65002']);
  });
});
