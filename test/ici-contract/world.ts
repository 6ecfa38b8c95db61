/**
 * What the simulated CRM test (crm.test.ts) needs around it, written from the seeds and importing nothing of ccgate:
 * the gateway as a real process (`ccgate start` through tsx), an ICI client (seed 002 ch. 9), a QM tool subscribed
 * over QMI (seed 000 4.1, events 4.2) and a TelServices session monitoring a device over TCP with UDP events (seed
 * 003). Every wait is for an arrival (a log line, an event), never for time.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { onLogLines } from '../support/log.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true, isArray: (n) => n === 'item' || n === 'Item' });

/** A list that grows as things arrive; `next` resolves as soon as a matching one is there. */
class Arrivals<T> {
  readonly list: T[] = [];
  private waiters = new Set<() => void>();
  push(x: T): void {
    this.list.push(x);
    for (const w of [...this.waiters]) w();
  }
  /** The first element matching `pred` at index `from` or later, as soon as it is there. */
  next(pred: (x: T) => boolean, from = 0): Promise<T> {
    return new Promise((resolve) => {
      const check = (): void => {
        const hit = this.list.slice(from).find(pred);
        if (hit !== undefined) {
          this.waiters.delete(check);
          resolve(hit);
        }
      };
      this.waiters.add(check);
      check();
    });
  }
}

export interface GatewayProcess {
  baseUrl: string;
  telservicesPort: number;
  exited: Promise<number | null>;
  child: ChildProcessWithoutNullStreams;
  logs: Record<string, unknown>[];
}

/** `ccgate start` with `config` (a config file), every port free, on 127.0.0.1; resolves once it listens. */
export async function startGatewayProcess(config: Record<string, unknown>): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'ccgate-crm-'));
  writeFileSync(join(dir, 'ccgate.json'), JSON.stringify(config));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('CCGATE_')) env[k] = v;
  Object.assign(env, {
    CCGATE_CONFIG: join(dir, 'ccgate.json'),
    CCGATE_HOST: '127.0.0.1',
    CCGATE_HTTP_PORT: '0',
    CCGATE_TELSERVICES_PORT: '0',
    CCGATE_QM_DESKTOP_PORT: '0',
    CCGATE_QM_NETWORK_PORT: '0',
    CCGATE_OPENMEDIA_PORT: '0',
    CCGATE_DATA_DIR: join(dir, 'data'),
    CCGATE_LOG_LEVEL: 'info',
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ports = await new Promise<{ http: number; telservices: number }>((resolve, reject) => {
    onLogLines(child.stdout, (line) => {
      logs.push(line);
      if (String(line['msg']).includes(' listening on ')) resolve(line['ports'] as { http: number; telservices: number });
    });
    void exited.then((code) => reject(new Error(`ccgate exited (${code}) before listening: ${stderr}`)));
  });
  return { baseUrl: `http://127.0.0.1:${ports.http}`, telservicesPort: ports.telservices, exited, child, logs };
}

/** An ICI fault (seed 1.2): the IciErrorCodes of its detail. */
export class IciFault extends Error {}

/** One ICI request to /OII/OII.asmx, SOAP 1.1 with the bean's SOAPAction (seed 7.1); the response element's children. */
export async function ici(baseUrl: string, bean: string, op: string, inner: string): Promise<Record<string, unknown>> {
  const body = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op} xmlns="urn:Ici${bean}Interface">${inner}</${op}></soap:Body></soap:Envelope>`;
  const res = await fetch(`${baseUrl}/OII/OII.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"http://inqmy.com/soapdispatcher/rpc/bcbici/Ici${bean}Bean"` }, body });
  const text = await res.text();
  const doc = parser.parse(text) as { Envelope?: { Body?: Record<string, unknown> } };
  const b = doc.Envelope?.Body ?? {};
  if ('Fault' in b) throw new IciFault(`Ici${bean}.${op}: ${JSON.stringify(b['Fault'])}`);
  const r = b[`${op}Response`];
  if (res.status !== 200 || r === undefined) throw new IciFault(`Ici${bean}.${op}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
}

/** A QM tool's callback service (QMI seed 4.2), answering every event Success 1. */
export class QmiTool {
  readonly events = new Arrivals<{ name: string; params: Record<string, string> }>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const doc = parser.parse(raw) as { Envelope?: { Body?: Record<string, Record<string, unknown>> } };
        const [name, content] = Object.entries(doc.Envelope?.Body ?? {})[0] ?? ['', {}];
        const params: Record<string, string> = {};
        // Fields are direct children (Callonhold: `<CallID>`) or one level down (Newcall: `<CallInfo><CallID>`).
        for (const [k, v] of Object.entries(content ?? {})) {
          if (v && typeof v === 'object') for (const [k2, x] of Object.entries(v)) params[k2] = String(x);
          else params[k] = String(v);
        }
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
        res.end('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:qmi="http://sap.com/bcm/qmi/qmi_schema"><soapenv:Body><qmi:Response><qmi:Success>1</qmi:Success></qmi:Response></soapenv:Body></soapenv:Envelope>');
        this.events.push({ name, params });
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/qm/events`;
    return this;
  }

  /** QMISubscribeSession (QMI 4.1.1) for session `sess`. */
  async subscribe(baseUrl: string, sess: string): Promise<void> {
    const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:qmi="http://sap.com/bcm/qmi/qmi_schema"><soapenv:Header><qmi:QMISessID>${sess}</qmi:QMISessID></soapenv:Header><soapenv:Body><qmi:QMISubscribeSessionRequest><qmi:SessionParams><qmi:CallbackUrl>${this.url}</qmi:CallbackUrl><qmi:Subscribe>1</qmi:Subscribe></qmi:SessionParams></qmi:QMISubscribeSessionRequest></soapenv:Body></soapenv:Envelope>`;
    const res = await fetch(`${baseUrl}/bcm/QMIInterface.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://sap.com/BCM/QMIInterface"' }, body });
    const text = await res.text();
    if (!/Success>1</.test(text)) throw new Error(`QMI subscribe: ${text}`);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** One TelServiceEvent (seed 003): the device and, per call, its id, state and the other party's number. */
export interface TsEvent {
  device: string;
  calls: { id: string; state: string; otherParty: string }[];
  raw: string;
}

/** A TelServices client monitoring `device`: openSession over TCP, events by UDP (seed 003). */
export class TelServicesSession {
  readonly events = new Arrivals<TsEvent>();
  private tcp: Socket | undefined;
  private udp: UdpSocket | undefined;

  async open(port: number, device: string): Promise<this> {
    this.udp = createSocket('udp4');
    this.udp.on('message', (msg) => this.events.push(parseTs(msg.toString('utf8'))));
    await new Promise<void>((r) => this.udp?.bind(0, '127.0.0.1', r));
    const udpPort = this.udp.address().port;
    this.tcp = connect(port, '127.0.0.1');
    let reply = '';
    const answered = new Promise<string>((resolve) =>
      this.tcp?.on('data', (d) => {
        reply += d.toString();
        if (reply.includes('</TelServiceReturn>')) resolve(reply);
      }),
    );
    this.tcp.write(`<TelServiceRequest><openSession><deviceNumber>${device}</deviceNumber><eventUDPPort>${udpPort}</eventUDPPort><eventUpdate><full/></eventUpdate></openSession></TelServiceRequest>`);
    const r = await answered;
    if (!r.includes('<standard/>')) throw new Error(`TelServices openSession: ${r}`);
    return this;
  }

  close(): void {
    this.tcp?.destroy();
    this.udp?.close();
  }
}

function parseTs(raw: string): TsEvent {
  const doc = parser.parse(raw) as { TelServiceEvent?: { deviceNumber?: string; event?: Record<string, unknown> } };
  const ev = doc.TelServiceEvent ?? {};
  const calls: TsEvent['calls'] = [];
  const call = (ev.event?.['call'] ?? null) as Record<string, unknown> | null;
  for (const c of call ? [call] : []) {
    for (const key of ['primCall', 'secCall']) {
      const p = c[key] as { state?: Record<string, unknown>; otherParty?: { number?: string } } | undefined;
      if (p) calls.push({ id: String(c['id'] ?? ''), state: Object.keys(p.state ?? {})[0] ?? '', otherParty: String(p.otherParty?.number ?? '') });
    }
  }
  return { device: String(ev.deviceNumber ?? ''), calls, raw };
}
