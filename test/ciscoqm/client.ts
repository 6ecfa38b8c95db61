/**
 * A Cisco QM client written from seed 001 alone, as an integrator would write one: no import from the project.
 * Commands go by UDP (node:dgram); the Server API is SOAP 1.2 written by hand with a WS-Security UsernameToken
 * (PasswordText, or PasswordDigest = Base64(SHA-1(nonce + created + password))), sent with fetch, and read with
 * fast-xml-parser. Whether the gateway has handled the datagrams sent so far is read from the control API's state
 * (an external contract), so tests wait on that, never on time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { XMLParser } from 'fast-xml-parser';

export const QM_NS = 'http://www.calabrio.com/qm/serverapi/schema';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => ['ccr', 'progress', 'metadataState'].includes(name),
});

export interface Ccr {
  id: string;
  ANI?: string;
  DNIS?: string;
  acdCallId?: string;
  lastName?: string;
  firstName?: string;
  agentId?: string;
  username?: string;
  startTime: string;
  hasAudio: string;
  hasScreen: string;
}

export interface Answer {
  status: number;
  text: string;
  /** The Body's one child, parsed; undefined for a fault. */
  body?: Record<string, unknown>;
  fault?: { code: string; subcode?: string; reason: string };
  hasHeader: boolean;
}

export type Token = { kind: 'none' } | { kind: 'text' | 'digest'; user?: string; password?: string; nonce?: string; created?: string };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function securityHeader(token: Token, user: string, password: string, mustUnderstand = 'true'): string {
  if (token.kind === 'none') return '';
  const u = token.user ?? user;
  const p = token.password ?? password;
  let pw: string;
  let extra = '';
  if (token.kind === 'text') {
    pw = `<wsse:Password Type="${PROFILE}#PasswordText">${esc(p)}</wsse:Password>`;
  } else {
    const nonce = token.nonce ?? randomBytes(16).toString('base64');
    const created = token.created ?? new Date().toISOString();
    const digest = createHash('sha1').update(Buffer.from(nonce, 'base64')).update(created).update(p).digest('base64');
    pw = `<wsse:Password Type="${PROFILE}#PasswordDigest">${digest}</wsse:Password>`;
    extra = `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce}</wsse:Nonce><wsu:Created>${created}</wsu:Created>`;
  }
  return `<wsse:Security xmlns:wsse="${WSSE}" soap:mustUnderstand="${mustUnderstand}"><wsse:UsernameToken xmlns:wsu="${WSU}" wsu:Id="UsernameToken-8454539"><wsse:Username>${esc(u)}</wsse:Username>${pw}${extra}</wsse:UsernameToken></wsse:Security>`;
}

export class QmServerClient {
  constructor(
    readonly base: string,
    readonly user: string,
    readonly password: string,
    readonly token: 'text' | 'digest' = 'text',
  ) {}

  /** Sends one body element; `opts` change the token, add headers, or choose SOAP 1.1. */
  async call(bodyXml: string, opts: { token?: Token; headers?: Record<string, string>; extraHeader?: string; version?: '1.1' | '1.2' } = {}): Promise<Answer> {
    const version = opts.version ?? '1.2';
    const ns = version === '1.2' ? SOAP12 : SOAP11;
    const header = securityHeader(opts.token ?? { kind: this.token }, this.user, this.password, version === '1.2' ? 'true' : '1') + (opts.extraHeader ?? '');
    const envelope = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${ns}"><soap:Header>${header}</soap:Header><soap:Body>${bodyXml}</soap:Body></soap:Envelope>`;
    const contentType = version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
    const res = await fetch(`${this.base}/serverapi/api`, { method: 'POST', headers: { 'content-type': contentType, ...opts.headers }, body: envelope });
    const text = await res.text();
    const doc = parser.parse(text) as { Envelope?: { Header?: unknown; Body?: Record<string, unknown> } };
    const body = doc.Envelope?.Body ?? {};
    const hasHeader = doc.Envelope?.Header !== undefined;
    const fault = body['Fault'] as Record<string, any> | undefined;
    if (fault) {
      const code = fault['Code'] ? String(fault['Code']['Value']) : String(fault['faultcode']);
      const subcode = fault['Code']?.['Subcode']?.['Value'];
      const reason = fault['Reason'] ? String(fault['Reason']['Text']?.['#text'] ?? fault['Reason']['Text']) : String(fault['faultstring']);
      return { status: res.status, text, fault: { code, ...(subcode ? { subcode: String(subcode) } : {}), reason }, hasHeader };
    }
    const [name] = Object.keys(body);
    return { status: res.status, text, body: { name, ...(body[name ?? ''] as object) }, hasHeader };
  }

  private async ok(bodyXml: string): Promise<Record<string, any>> {
    const a = await this.call(bodyXml);
    if (a.fault || a.status !== 200) throw new Error(`fault ${a.status}: ${a.fault?.reason ?? a.text}`);
    return a.body ?? {};
  }

  async search(criteria: string): Promise<{ ccrs: Ccr[]; truncationBoundaryId?: string }> {
    const b = await this.ok(`<search xmlns="${QM_NS}">${criteria}</search>`);
    return { ccrs: (b['ccr'] as Ccr[] | undefined) ?? [], ...(b['truncationBoundaryId'] !== undefined ? { truncationBoundaryId: String(b['truncationBoundaryId']) } : {}) };
  }

  /** Seed 001 "Paging": the same search with each truncationBoundaryId until there is none. */
  async searchAll(criteria: string): Promise<{ ccrs: Ccr[]; pages: number }> {
    const ccrs: Ccr[] = [];
    let boundary: string | undefined;
    let pages = 0;
    do {
      const page = await this.search(criteria + (boundary === undefined ? '' : `<truncationBoundaryId>${boundary}</truncationBoundaryId>`));
      ccrs.push(...page.ccrs);
      boundary = page.truncationBoundaryId;
      pages += 1;
    } while (boundary !== undefined);
    return { ccrs, pages };
  }

  async exportRecording(ccrId: string, mediatype: string, element = 'ccrid'): Promise<string> {
    const b = await this.ok(`<exportRecording xmlns="${QM_NS}"><${element}>${ccrId}</${element}><mediatype>${mediatype}</mediatype></exportRecording>`);
    return String(b['id']);
  }

  async progress(ids: string[]): Promise<{ id: string; finished: string; error?: string }[]> {
    const b = await this.ok(`<exportProgressRequest xmlns="${QM_NS}">${ids.map((i) => `<id>${i}</id>`).join('')}</exportProgressRequest>`);
    return b['progress'] as { id: string; finished: string; error?: string }[];
  }

  /** Polls exportProgressRequest (seed 001 "Export & download" flow) until finished or an error. */
  async exported(id: string): Promise<{ finished: string; error?: string }> {
    for (;;) {
      const [p] = await this.progress([id]);
      if (!p || p.finished === 'true' || p.error !== undefined) return p ?? { finished: 'false', error: 'no progress' };
      await new Promise((r) => setImmediate(r));
    }
  }

  async download(id: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
    const res = await fetch(`${this.base}/serverapi/retrieve?id=${id}`);
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  }

  async deleteRecording(ccrId: string): Promise<string> {
    const b = await this.ok(`<deleteRecording xmlns="${QM_NS}"><ccrId>${ccrId}</ccrId></deleteRecording>`);
    return String(b['fileDeleted']);
  }

  async editMetadata(ccrId: string, items: [string, string][]): Promise<{ key: string; state: string }[]> {
    const md = items.map(([k, d]) => `<metadata><key>${esc(k)}</key><data>${esc(d)}</data></metadata>`).join('');
    const b = await this.ok(`<editMetadata xmlns="${QM_NS}"><ccrid>${ccrId}</ccrid>${md}</editMetadata>`);
    return (b['metadataState'] as { key: string; state: string }[] | undefined) ?? [];
  }
}

/** Recording API commands by UDP to one port; `handled(n)` waits until the gateway has handled n datagrams in all. */
export class QmCommands {
  private readonly socket: Socket = createSocket('udp4');

  constructor(
    private readonly base: string,
    private readonly host = '127.0.0.1',
  ) {}

  send(port: number, text: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(text, port, this.host, (err) => (err ? reject(err) : resolve())));
  }

  /** Datagrams the gateway has handled so far (applied, ignored or refused), from GET /api/v1/state. */
  async handledSoFar(): Promise<{ applied: number; ignored: number; rejected: number }> {
    const state = (await (await fetch(`${this.base}/api/v1/state`)).json()) as { interfaces: { ciscoqm: { datagrams: { applied: number; ignored: number; rejected: number } } } };
    return state.interfaces.ciscoqm.datagrams;
  }

  async handled(n: number): Promise<{ applied: number; ignored: number; rejected: number }> {
    for (;;) {
      const d = await this.handledSoFar();
      if (d.applied + d.ignored + d.rejected >= n) return d;
      await new Promise((r) => setImmediate(r));
    }
  }

  close(): void {
    this.socket.close();
  }
}
