/**
 * The operator's control API (DESIGN.md "Control API"): the simulated world's side of the contact center.
 * Bodies are validated with zod; the same schemas document the API in OpenAPI at /api/docs.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Call, ContactCenter, WorkItem } from '../core/index.js';
import type { GatewayContext, InterfaceModule } from '../interfaces/types.js';
import { ScenarioRunner } from '../sim/scenario.js';
import { TrafficGenerator } from '../sim/traffic.js';
import { ApiError, jsonBodyParser, parseBody, parseQuery, sendError } from './errors.js';
import { listRecordings, oneRecording, recordCall, RecordingAction, RecordingsQuery } from './recordings.js';
import { ErrorBody, RESPONSES } from './responses.js';
import * as S from './schemas.js';

type Handler = (request: FastifyRequest, reply: FastifyReply, query: Record<string, unknown>) => Promise<unknown> | unknown;

/** A zod schema as OpenAPI 3.0 wants it (`nullable`, no `$schema`): what a request takes, or what a response gives. */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
}

const ErrorSchema = toSchema(ErrorBody, 'output');

function callView(cc: ContactCenter, c: Call): Record<string, unknown> {
  return {
    callId: c.id,
    sipCallId: c.sipCallId,
    direction: c.direction,
    dialled: c.dialled,
    queueId: c.queueId ?? null,
    conference: c.conference,
    consultFor: c.consultFor ?? null,
    parties: cc.telephony.activeParties(c).map((p) => ({
      number: p.number,
      ...(p.userId ? { userId: p.userId } : {}),
      state: p.state,
      role: p.role,
      legId: p.legId,
    })),
    attached: c.attached,
    // `on` while any recording runs, `paused` while all are paused; `recordings` says which (the archive has the rest).
    recording: c.recordings.length === 0 ? 'off' : c.recordings.some((r) => r.state === 'recording') ? 'on' : 'paused',
    recordings: c.recordings.map((r) => ({ id: r.id, source: r.source, state: r.state, ...(r.userId !== undefined ? { userId: r.userId } : {}) })),
    monitoring: c.monitors.map((m) => ({ owner: m.owner, mode: m.mode, state: m.state, targets: m.targets })),
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

function itemView(cc: ContactCenter, i: WorkItem): Record<string, unknown> {
  return {
    itemId: i.id,
    channel: i.channel,
    queueId: i.queueId,
    state: i.state,
    userId: i.userId ?? null,
    from: i.from ?? null,
    to: i.to ?? null,
    subject: i.subject ?? null,
    queuePosition: cc.items.position(i),
    createdAt: new Date(i.createdAt).toISOString(),
  };
}

/** Parses a simple MIME message into the parts an e-mail item keeps (headers From/To/Subject, the first text body). */
function parseMime(raw: string): { from: string; to: string; subject: string; body: string } {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep < 0 ? raw : raw.slice(0, sep);
  const body = sep < 0 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? '';
  const from = header('From');
  const to = header('To');
  if (!from || !to) throw new ApiError(400, 'invalidArgument', 'mime: From and To headers are required');
  return { from, to, subject: header('Subject'), body };
}

export async function registerControlApi(app: FastifyInstance, ctx: GatewayContext, modules: () => InterfaceModule[]): Promise<void> {
  const cc = ctx.center;
  const t = cc.telephony;
  const traffic = new TrafficGenerator(cc);
  app.addHook('onClose', async () => traffic.stop());

  const agentAction = (userId: string, action: string, number?: string, callId?: string): string => {
    const ext = cc.agent(userId).extension;
    const need = () => {
      if (!number) throw new ApiError(400, 'invalidArgument', `action ${action} needs a number`);
      return number;
    };
    let call: Call;
    switch (action) {
      case 'answer': call = t.answer(ext, callId); break;
      case 'hold': call = t.hold(ext, callId); break;
      case 'retrieve': call = t.retrieve(ext, callId); break;
      case 'drop': call = t.drop(ext, callId); break;
      case 'consult': {
        // QMI 7.1/7.3 steps 2-3 ("puts the call on hold", then "calls Agent B"): a call already on hold is consulted from.
        const held = callId || t.deviceBusy(ext) ? undefined : t.callsOf(ext).find((c) => t.partyOf(c, ext)?.state === 'hold');
        call = held ? t.makeCall(ext, need(), { consultFor: held.id }) : t.consult(ext, need(), callId ? { consultFor: callId } : {});
        break;
      }
      case 'transfer': {
        // With a held call, complete the consultative transfer; without one, a number means a blind transfer.
        const hasHeld = t.callsOf(ext).some((c) => t.partyOf(c, ext)?.state === 'hold');
        call = hasHeld || !number ? t.transfer(ext) : t.divert(ext, number, callId);
        break;
      }
      case 'conference': call = t.conference(ext); break;
      case 'divert': call = t.divert(ext, need(), callId); break;
      case 'dial': call = t.makeCall(ext, need()); break;
      case 'alternate': call = t.alternate(ext); break;
      case 'reconnect': call = t.reconnect(ext); break;
      default: throw new ApiError(400, 'invalidArgument', `unknown action ${action}`);
    }
    return call.id;
  };
  const scenarios = new ScenarioRunner(cc, agentAction);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'ccgate control API', version: '1', description: 'The simulated world side of ccgate: calls, agents, items, faults, traffic.' },
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(async (api) => {
    // zod validates bodies inside the handlers (one error shape); the JSON schemas are documentation only, for
    // requests and responses alike (a response schema must never filter or coerce what a handler returns).
    api.setValidatorCompiler(() => () => true);
    api.setSerializerCompiler(() => (data) => JSON.stringify(data));
    api.setErrorHandler((err, _req, reply) => sendError(reply, err));
    // JSON bodies through the API's own reader, so a bad body is refused with a reason (where the syntax breaks, which
    // key is refused) in the API's error shape; a body of any other type (Fastify's text/plain included) is 415.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('application/json', { parseAs: 'buffer' }, jsonBodyParser);
    api.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'notFound', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

    const route = (
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      summary: string,
      body: z.ZodType | undefined,
      status: number,
      handler: Handler,
      /** The query parameters the route reads (a strict object: others are refused); without it the query is ignored. */
      query?: z.ZodType,
    ) => {
      api.route({
        method,
        url,
        schema: {
          tags: ['control'],
          summary,
          ...(body ? { body: toSchema(body, 'input') } : {}),
          ...(query ? { querystring: toSchema(query, 'input') } : {}),
          // A route missing from RESPONSES is documented as a bare object; test/api/openapi.test.ts fails on it.
          response: { [status]: toSchema(RESPONSES[`${method} ${url}`] ?? z.looseObject({}), 'output'), '4xx': ErrorSchema, '5xx': ErrorSchema },
        },
        handler: async (request, reply) => {
          const started = performance.now();
          try {
            const result = await handler(request, reply, query ? (parseQuery(query, request.url) as Record<string, unknown>) : {});
            ctx.metrics.observe('api', `${method} ${url}`, 'ok', performance.now() - started);
            return reply.code(status).send(result ?? {});
          } catch (err) {
            ctx.metrics.observe('api', `${method} ${url}`, 'fault', performance.now() - started);
            return sendError(reply, err);
          }
        },
      });
    };
    // Any value reaches the core, whose lookups answer an id it does not know (however long) with its 404.
    const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string | undefined>)[name] ?? '';

    const statistics = () => ({
      agents: Object.fromEntries([...cc.agents.keys()].map((id) => [id, cc.agentStats(id)])),
      queues: Object.fromEntries([...cc.queues.keys()].map((id) => [id, cc.queueStats(id)])),
    });
    route('GET', '/api/v1/statistics', 'Per-agent and per-queue counters and durations (ms) since start', undefined, 200, statistics);
    route('GET', '/api/v1/state', 'Snapshot of agents, queues, calls, items and subscriptions', undefined, 200, () => ({
      agents: [...cc.agents.values()].map((a) => cc.agentSnapshot(a)),
      queues: [...cc.queues.values()].map((q) => cc.queueSnapshot(q)),
      calls: t.activeCalls().map((c) => callView(cc, c)),
      items: cc.items.list().map((i) => itemView(cc, i)),
      subscriptions: ctx.notifier.health().map((h) => ({ ...h, interface: h.interface, id: h.id, target: h.target })),
      faults: cc.faultList(),
      traffic: traffic.running ?? null,
      statistics: statistics(),
      interfaces: Object.fromEntries(modules().flatMap((m) => (m.snapshot ? [[m.name, m.snapshot()]] : []))),
    }));

    route('GET', '/api/v1/calls/:callId', 'One active call', undefined, 200, (req) => callView(cc, t.call(param(req, 'callId'))));
    route('POST', '/api/v1/calls', 'An external party calls a queue number or an extension', S.NewCall, 201, (req) => {
      const b = parseBody(S.NewCall, req.body);
      const call = t.inbound(b.from, b.to, {
        ...(b.callId !== undefined ? { callId: b.callId } : {}),
        ...(b.preferredAgent !== undefined ? { preferredAgent: b.preferredAgent } : {}),
        ...(b.attached ? { attached: b.attached } : {}),
        ...(b.priority !== undefined ? { priority: b.priority } : {}),
        ...(b.skills ? { skills: b.skills } : {}),
      });
      // A number that is neither a queue, an extension nor external fails at once as unobtainable: say so.
      return { callId: call.id, sipCallId: call.sipCallId, state: call.state, ...(call.cause !== undefined ? { cause: call.cause } : {}) };
    });
    route('POST', '/api/v1/calls/:callId/hangup', 'The external (or named) party hangs up', S.Hangup, 200, (req) => {
      const b = parseBody(S.Hangup, req.body);
      t.hangup(param(req, 'callId'), b.number);
      return { ok: true };
    });
    route('POST', '/api/v1/calls/:callId/answer', 'A called external party answers', S.ExternalAnswer, 200, (req) => {
      const b = parseBody(S.ExternalAnswer, req.body);
      t.externalAnswer(param(req, 'callId'), b.number);
      return { ok: true };
    });
    route('POST', '/api/v1/calls/:callId/prompt', 'The IVR plays a prompt to the call', S.Prompt, 200, (req) => {
      t.playPrompt(param(req, 'callId'), parseBody(S.Prompt, req.body).name);
      return { ok: true };
    });
    route('POST', '/api/v1/calls/:callId/supervise', 'A supervisor joins the call', S.Supervise, 200, (req) => {
      t.supervise(parseBody(S.Supervise, req.body).number, param(req, 'callId'));
      return { ok: true };
    });

    route('POST', '/api/v1/agents/:userId/actions', 'The agent acts on the physical phone or desktop', S.AgentAction, 200, (req) => {
      const b = parseBody(S.AgentAction, req.body);
      return { callId: agentAction(param(req, 'userId'), b.action, b.number, b.callId) };
    });
    route('PUT', '/api/v1/agents/:userId/state', 'The agent changes state on the desktop', S.AgentStateBody, 200, (req) => {
      const b = parseBody(S.AgentStateBody, req.body);
      const userId = param(req, 'userId');
      cc.setAgentState(userId, b.state, b.reason);
      return cc.agentSnapshot(cc.agent(userId));
    });
    route('PUT', '/api/v1/agents/:userId/driver', 'Give the agent an automatic driver', S.Driver, 200, (req) => {
      const userId = param(req, 'userId');
      cc.setDriver(userId, parseBody(S.Driver, req.body));
      return cc.agentSnapshot(cc.agent(userId));
    });
    route('DELETE', '/api/v1/agents/:userId/driver', 'Remove the automatic driver', undefined, 200, (req) => {
      const userId = param(req, 'userId');
      cc.setDriver(userId, undefined);
      return cc.agentSnapshot(cc.agent(userId));
    });

    route('POST', '/api/v1/items/:itemId/actions', 'An agent works a work item', S.ItemAction, 200, (req) => {
      const b = parseBody(S.ItemAction, req.body);
      const id = param(req, 'itemId');
      const item = b.action === 'accept' ? cc.items.accept(id, b.userId) : b.action === 'reject' ? cc.items.reject(id, b.userId) : cc.items.complete(id);
      return itemView(cc, item);
    });
    route('POST', '/api/v1/emails', "A customer's e-mail arrives", S.NewEmail, 201, (req) => {
      const b = parseBody(S.NewEmail, req.body);
      const mail = 'mime' in b ? { ...parseMime(b.mime), mime: b.mime } : b;
      // The schema checks the fields given one by one; those of a raw MIME message are checked once parsed.
      if ('mime' in b) {
        for (const field of ['from', 'to', 'subject', 'body'] as const) {
          if (!S.isXmlText(mail[field])) throw new ApiError(400, 'invalidArgument', `mime: ${field}: holds a control character XML cannot carry`);
        }
      }
      const queue = cc.queueAt(mail.to.replace(/^.*<([^>]+)>.*$/, '$1'));
      if (!queue || queue.channel !== 'email') throw new ApiError(404, 'unknownQueue', `no e-mail queue at ${mail.to}`);
      const item = cc.items.create({ channel: 'email', queueId: queue.id, ...mail });
      return { itemId: item.id };
    });
    route('POST', '/api/v1/chats', 'A customer opens a chat', S.NewChat, 201, (req) => {
      const b = parseBody(S.NewChat, req.body);
      const queue = cc.queueAt(b.to);
      if (!queue || queue.channel !== 'chat') throw new ApiError(404, 'unknownQueue', `no chat queue at ${b.to}`);
      const item = cc.items.create({ channel: 'chat', queueId: queue.id, from: b.from, to: b.to, text: b.text });
      return { chatId: item.id };
    });
    route('POST', '/api/v1/chats/:chatId/messages', 'The customer posts in a chat', S.ChatMessage, 201, (req) => {
      const id = param(req, 'chatId');
      const item = cc.items.get(id);
      cc.items.post(id, item.from ?? 'customer', parseBody(S.ChatMessage, req.body).text);
      return { ok: true };
    });

    const deviceView = (number: string) => {
      const d = cc.device(number);
      return { number: d.number, userId: d.userId ?? null, dnd: d.dnd, msgWaiting: d.msgWaiting, forwards: d.forwards };
    };
    route('GET', '/api/v1/devices/:number', 'A device (extension): DND, message waiting, forwards', undefined, 200, (req) => deviceView(param(req, 'number')));
    route('PUT', '/api/v1/devices/:number', 'Set do-not-disturb or message waiting (a voicemail arrives) on a device', S.DeviceChange, 200, (req) => {
      const number = param(req, 'number');
      const b = parseBody(S.DeviceChange, req.body);
      cc.device(number);
      if (b.dnd !== undefined) cc.setDnd(number, b.dnd);
      if (b.msgWaiting !== undefined) cc.setMsgWaiting(number, b.msgWaiting);
      return deviceView(number);
    });

    route('POST', '/api/v1/faults', 'Inject or clear a fault', S.Fault, 200, (req) => {
      const b = parseBody(S.Fault, req.body);
      cc.setFault(b.component as 'pbxLink', b.state === 'down');
      return { faults: cc.faultList() };
    });
    route('POST', '/api/v1/scenarios', 'Run a scenario', S.Scenario, 201, (req) => {
      const b = parseBody(S.Scenario, req.body);
      const run = scenarios.start(b.steps, b.name);
      return { scenarioId: run.id, steps: run.steps };
    });
    route('GET', '/api/v1/scenarios/:scenarioId', 'Progress of a scenario', undefined, 200, (req) => {
      const run = scenarios.runs.get(param(req, 'scenarioId'));
      if (!run) throw new ApiError(404, 'notFound', 'no such scenario');
      return run;
    });
    route('POST', '/api/v1/traffic', 'Start generated traffic', S.Traffic, 200, (req) => {
      const b = parseBody(S.Traffic, req.body);
      traffic.start(b);
      return { traffic: traffic.running };
    });
    route('DELETE', '/api/v1/traffic', 'Stop generated traffic and clear what it left', undefined, 200, () => {
      // What the traffic that was running generated; nothing when none was.
      const generated = traffic.running ? traffic.generated : 0;
      const cleared = traffic.stop();
      return { traffic: null, generated, cleared };
    });
    route('POST', '/api/v1/reset', 'The world back to the fixture: calls and items end, agents and devices as configured; subscriptions stay', undefined, 200, () => {
      // Generated traffic is part of the simulated world, not of the fixture: it stops too.
      traffic.stop();
      return cc.reset();
    });
    route('GET', '/api/v1/history', 'Call and agent history', undefined, 200, (_req, _reply, q) => ({ records: cc.history({ recordType: 'all', ...(q as S.HistoryQuery) }) }), S.HistoryQuery);
    route('GET', '/api/v1/recordings', 'The recordings archive (every source; survives restarts), one page in id order', undefined, 200, (_req, _reply, q) => listRecordings(cc, q), RecordingsQuery);
    route('PUT', '/api/v1/queues/:queueId', 'Open or close a queue (an Open Media service group: GroupClosed while closed)', S.QueueChange, 200, (req) => {
      const id = param(req, 'queueId');
      cc.setQueueOpen(id, parseBody(S.QueueChange, req.body).open);
      return cc.queueSnapshot(cc.queue(id));
    });
    route('GET', '/api/v1/recordings/:recordingId', 'One recording of the archive', undefined, 200, (req) => oneRecording(cc, param(req, 'recordingId')));
    route('POST', '/api/v1/calls/:callId/recording', "Start, pause, resume or stop the operator's recording of a call (source api)", RecordingAction, 200, (req) =>
      recordCall(cc, param(req, 'callId'), parseBody(RecordingAction, req.body)),
    );

    // Routes an interface adds for its own part of the world, documented like the others.
    for (const m of modules()) {
      for (const r of m.controlRoutes?.() ?? []) {
        const response = RESPONSES[`${r.method} ${r.url}`] ?? r.response;
        api.route({
          method: r.method,
          url: r.url,
          schema: {
            tags: ['control'],
            summary: r.summary,
            ...(r.body ? { body: toSchema(r.body, 'input') } : {}),
            response: { [r.status ?? 200]: toSchema(response, 'output'), '4xx': ErrorSchema, '5xx': ErrorSchema },
          },
          handler: async (request, reply) => {
            try {
              const body = r.body ? parseBody(r.body, request.body) : undefined;
              const result = r.handler(request.params as Record<string, string | undefined>, body);
              return reply.code(r.status ?? 200).send(result ?? {});
            } catch (err) {
              return sendError(reply, err);
            }
          },
        });
      }
    }
  });
}
