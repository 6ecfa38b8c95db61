/**
 * The seed's ICI request examples for the beans of issue 9, sent verbatim with their SOAPAction to /OII/OII.asmx
 * (test/golden/ici/<Operation>__<expectation>/, see its README). Each case runs on a fresh gateway in virtual time
 * with the golden fixture: its setup steps (setups.json) bring the center into the example's situation, the request
 * goes out, and once every subscriber's queue is empty the answer and the IciEvent messages the CRM received are
 * compared as canonical XML with response.xml and event-N.xml. Independently of those files, the answer must have the
 * documented shape: every element path of the seed's own response example (seed-response.xml) and, for each event,
 * of the seed's example of that event (events/). UPDATE_GOLDEN=1 rewrites response.xml and event-N.xml (review the
 * diff before committing).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { describeGolden, substituteCaptured } from '../golden/driver.js';
import { CrmReceiver } from './crm-receiver.js';
import { elementPaths, missingPaths } from './shape.js';
import { eventsSettled, GOLDEN_FIXTURE, iciPost, OII_PATH, soapAction, startIciGateway, type BeanName } from './support.js';

const DIR = fileURLToPath(new URL('../golden/ici/', import.meta.url));
const SETUPS = JSON.parse(readFileSync(join(DIR, 'setups.json'), 'utf8')) as Record<string, Step[]>;
const SEED_EVENTS = Object.fromEntries(
  readdirSync(join(DIR, 'events')).map((f) => [f.split('-')[0]!, readFileSync(join(DIR, 'events', f), 'utf8')] as const),
);
/** Values that differ by build or by instance (ccgate's version, the OII module GUID), masked in every case. */
const ALWAYS_MASKED = ['productVersion', 'cmsHostId'];

type Step = string | { bean: BeanName; body: string; capture?: string } | { api: string; path: string; body: unknown };
interface CaseMeta {
  setup?: Step[];
  mask?: string[];
  note?: string;
  /** 'soapFault': only a SOAP fault is documented (malformed XML); 'response': only `<op>Response/response`. */
  shape?: 'soapFault' | 'response';
  status?: number;
  bean?: BeanName;
}

/**
 * The seed's subscribe examples post to `http://ip:50000/…`; OII.MapSubscribeUrl (seed 4.4.1, `ici.mapSubscribeUrl`)
 * maps that address to the test's CRM, so the examples run verbatim.
 */
function goldenConfig(crmPort: number): ConfigInput {
  return { ici: { mapSubscribeUrl: `ip:50000, 127.0.0.1:${crmPort}` } };
}

/** The bean a seed example is for: the namespace of the Body's first element (seed 7.1 names bean and namespace alike). */
function beanOf(request: string): BeanName {
  const m = /<(?:\w+:)?Body>\s*<[\w:]+ xmlns(?::\w+)?="urn:Ici(\w+)Interface"/.exec(request);
  if (!m) throw new Error('no urn:Ici…Interface body element');
  return m[1] as BeanName;
}


function textOf(xml: string, local: string): string | undefined {
  return new RegExp(`<(?:\\w+:)?${local}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${local}>`).exec(xml)?.[1];
}

async function runSteps(gw: Gateway, steps: Step[], vars: Record<string, string>): Promise<void> {
  for (const step of steps) {
    if (typeof step === 'string') {
      const named = SETUPS[step];
      if (!named) throw new Error(`unknown setup ${step}`);
      await runSteps(gw, named, vars);
    } else if ('api' in step) {
      const res = await fetch(`${gw.baseUrl}${step.path}`, { method: step.api, headers: { 'content-type': 'application/json' }, body: JSON.stringify(step.body) });
      if (res.status >= 300) throw new Error(`setup ${step.api} ${step.path}: ${res.status} ${await res.text()}`);
    } else {
      const answer = await iciPost(gw.baseUrl, step.bean, substituteCaptured(step.body, vars));
      if (answer.status !== 200 || /Fault>/.test(answer.text)) throw new Error(`setup Ici${step.bean} ${step.body.slice(0, 60)}…: ${answer.status} ${answer.text}`);
      if (step.capture) {
        const value = textOf(answer.text, step.capture);
        if (!value) throw new Error(`setup: no ${step.capture} in ${answer.text}`);
        vars[step.capture] = value;
      }
    }
    await eventsSettled(gw);
  }
}

function pretty(xml: string): string {
  try {
    return execFileSync('xmllint', ['--format', '-'], { input: xml, encoding: 'utf8' });
  } catch {
    return `${xml}\n`;
  }
}

let crm: CrmReceiver;
beforeAll(async () => {
  crm = await new CrmReceiver().start();
});
afterAll(async () => {
  await crm.stop();
});

const cases = describeGolden('ICI seed request examples, verbatim, to /OII/OII.asmx', {
  dir: DIR,
  mask: (c) => [...ALWAYS_MASKED, ...(c.json<CaseMeta>('case.json', {}).mask ?? [])],
  format: pretty,
  numberedEvents: true,
  async exchange(c) {
    const meta = c.json<CaseMeta>('case.json', {});
    const gw = await startIciGateway({ fixture: GOLDEN_FIXTURE, clock: new ManualClock(), config: goldenConfig(crm.port) });
    try {
      const vars: Record<string, string> = {};
      await runSteps(gw, meta.setup ?? [], vars);
      const mark = crm.events.length;
      const text = c.request.toString('utf8');
      const bean = meta.bean ?? beanOf(text);
      // Verbatim: the file's bytes, unless it names a value the setup captured ({{itemId}}).
      const body = text.includes('{{') ? substituteCaptured(text, vars) : c.request;
      const res = await fetch(`${gw.baseUrl}${OII_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction(bean)}"` },
        body,
      });
      const answer = await res.text();
      await eventsSettled(gw);
      const events = crm.events.slice(mark);

      expect(res.status, answer).toBe(meta.status ?? 200);
      expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
      const faulted = /<(?:\w+:)?Fault>/.test(answer);
      expect(faulted, `${c.expectation}: ${answer}`).toBe(c.name.includes('__fault'));

      // The documented shape, from the seed's own examples.
      const shape =
        meta.shape === 'soapFault'
          ? ['Fault', 'Fault/faultcode', 'Fault/faultstring']
          : meta.shape === 'response'
            ? [`${textOpOf(text)}Response`, `${textOpOf(text)}Response/response`]
            : elementPaths(c.read('seed-response.xml'));
      expect(missingPaths(shape, elementPaths(answer)), 'elements of the seed example missing from the answer').toEqual([]);
      for (const ev of events) {
        const seed = SEED_EVENTS[ev.op];
        if (seed) expect(missingPaths(elementPaths(seed), elementPaths(ev.raw)), `${ev.op}: elements of the seed's example missing`).toEqual([]);
      }
      return { answer, events: events.map((e) => e.raw), captured: vars };
    } finally {
      await gw.close();
    }
  },
});

it('covers every request example of the issue 9 beans (placeholder and malformed examples also filled in or repaired)', () => {
  const ops = new Set(cases.map((c) => c.operation));
  const issue9 = ['exchangeProductInformation', 'getWorkcenterCapability', 'getPresenceQueueInfo', 'getUserPresence', 'getAttributes', 'setCurrentWorkmode', 'setCurrentChannels', 'setCurrentQueues', 'setAddresses', 'subscribe', 'unsubscribe', 'create', 'wrapUpRequired', 'wrapUpEnded', 'accept', 'reroute', 'forward', 'getAttachedData', 'setAttachedData', 'deleteAttachedData', 'getCalls', 'dropCalls', 'dial', 'consult', 'transfer', 'reconnect', 'drop', 'hold', 'unhold', 'alternate', 'conference', 'dropParty'];
  expect([...ops].sort()).toEqual([...issue9].sort());
  // Both getAttributes (IciUser, IciPhoneCall) and both subscribe/unsubscribe (IciUser, IciContainer) are there.
  const beans = cases.map((c) => `${beanOf(c.request.toString('utf8'))}.${c.operation}`);
  for (const b of ['User.getAttributes', 'PhoneCall.getAttributes', 'User.subscribe', 'Container.subscribe', 'User.unsubscribe', 'Container.unsubscribe']) expect(beans).toContain(b);
});

/** The operation element's local name in a request (first element of the Body). */
function textOpOf(request: string): string {
  return /<(?:\w+:)?Body>\s*<(?:\w+:)?(\w+)/.exec(request)?.[1] ?? '';
}
