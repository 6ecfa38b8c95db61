/**
 * A whole gateway for the wire tests (every default interface, the default center, free ports), and the control API
 * calls the independent client needs to make the simulated world place and end calls: plain fetch, like a test
 * harness outside the project would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import type { ConfigInput } from '../../src/config/schema.js';

export const CUSTOMER = '+35840111222';

export async function startQm(ciscoqm: NonNullable<ConfigInput['ciscoqm']> = {}, dataDir?: string): Promise<Gateway> {
  const gw = await buildGateway({
    env: {},
    config: {
      logLevel: 'silent',
      host: '127.0.0.1',
      dataDir: dataDir ?? mkdtempSync(join(tmpdir(), 'ccgate-qm-')),
      http: { port: 0 },
      telservices: { port: 0 },
      // Several gateways run at once (test files in parallel): Open Media's own port too is any free one.
      openmedia: { port: 0 },
      center: { seed: 5, externalAnswerMs: -1 },
      ...{ ciscoqm: { desktopPort: 0, networkPort: 0, ...ciscoqm } },
    },
  });
  await gw.listen();
  return gw;
}

/** The control API (DESIGN "Control API"). */
export class World {
  constructor(private readonly base: string) {}

  async json(method: string, path: string, body?: unknown): Promise<Record<string, any>> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, any>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** A customer calls `to`; the agent answers on the desktop; returns the call id. */
  async answeredCall(to: string, agent: string, from = CUSTOMER): Promise<string> {
    const { callId } = await this.json('POST', '/api/v1/calls', { from, to });
    await this.json('POST', `/api/v1/agents/${agent}/actions`, { action: 'answer' });
    return String(callId);
  }

  async hangup(callId: string): Promise<void> {
    await this.json('POST', `/api/v1/calls/${callId}/hangup`, {});
  }

  async ready(agent: string): Promise<void> {
    await this.json('PUT', `/api/v1/agents/${agent}/state`, { state: 'ready' });
  }
}
