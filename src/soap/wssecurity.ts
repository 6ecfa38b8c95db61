/**
 * WS-Security UsernameToken (OASIS Web Services Security UsernameToken Profile 1.0 and 1.1): reading the token from a
 * SOAP Header and checking it, as Cisco QM's Server API requires (seed 001). PasswordText compares the password;
 * PasswordDigest is Base64(SHA-1(nonce + created + password)) with the nonce Base64-decoded first (Profile §3.1).
 * A token with Created must be fresh, a Nonce may be used once (Profile 1.1 §4: both are the replay defence), and
 * every comparison takes the same time whatever matches. Node's crypto does the hashing; the checks are ours because
 * no maintained npm package verifies a UsernameToken without pulling in a whole SOAP stack.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { child, textOf, type XmlElement } from '../xml/index.js';
import { targetsThisNode } from './must-understand.js';
import { envelopeNamespace, type SoapVersion } from './version.js';

const PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
/** WSS 1.0/1.1 SOAP Message Security: the `wsse` namespace (declare `{WSSE_NS}Security` as understood). */
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
/** WSS utility namespace (`wsu:Created`). */
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
/** UsernameToken Profile §3.1: the Password Type of a clear-text password (also the default when absent). */
export const PASSWORD_TEXT = `${PROFILE}#PasswordText`;
/** UsernameToken Profile §3.1: a Base64(SHA-1(nonce + created + password)) digest. */
export const PASSWORD_DIGEST = `${PROFILE}#PasswordDigest`;

export interface UsernameToken {
  /** Trimmed. */
  username: string;
  /** Verbatim (white space in a password is significant); for a digest, the Base64 digest. */
  password: string;
  /** The Password's Type attribute as sent; absent means PasswordText (Profile §3.1). */
  passwordType?: string;
  /** `wsse:Nonce` as sent, trimmed (Base64, the Profile's only EncodingType). */
  nonce?: string;
  /** `wsu:Created` as sent, trimmed (an xsd:dateTime, UTC). */
  created?: string;
}

/**
 * The `Security` header namespaces accepted: WSS 1.0 and 1.1 (both use the 1.0 `secext` namespace for Security) and
 * the 2002 and 2003 drafts older toolkits (WSE 1 and 2) still write. A `Security` element in any other namespace is
 * not a WS-Security header and carries no credentials.
 */
export const SECURITY_NAMESPACES: readonly string[] = [WSSE_NS, 'http://schemas.xmlsoap.org/ws/2002/07/secext', 'http://schemas.xmlsoap.org/ws/2003/06/secext'];

/** What a SOAP Header holds for WS-Security: one token, none, or something that must be refused as ambiguous. */
export type SecurityHeader = { token: UsernameToken } | { token: undefined; problem?: string };

/**
 * Reads `Security/UsernameToken` from a SOAP Header: the Security block in a WS-Security namespace (any prefix) that is
 * targeted at this node (WSS 1.1 SOAP Message Security §6.1: a message may carry one Security block per role; one with
 * an `actor`/`role` naming another node is that node's, not credentials for this one); inside it, the token's parts by
 * local name (clients mix the wsse 1.0 and 1.1 namespaces and wsu). Two Security blocks for this node, two tokens or a
 * part given twice are a `problem`: which one would count is a guess an attacker could steer.
 */
export function readSecurityHeader(header: XmlElement | undefined): SecurityHeader {
  const version: SoapVersion = header?.ns === envelopeNamespace('1.2') ? '1.2' : '1.1';
  const blocks = (header?.children ?? []).filter((c) => c.name === 'Security' && SECURITY_NAMESPACES.includes(c.ns) && targetsThisNode(c, version));
  if (blocks.length > 1) return { token: undefined, problem: 'more than one Security header for this node' };
  const tokens = blocks[0]?.children.filter((c) => c.name === 'UsernameToken') ?? [];
  if (tokens.length > 1) return { token: undefined, problem: 'more than one UsernameToken' };
  const token = tokens[0];
  for (const part of ['Username', 'Password', 'Nonce', 'Created']) {
    if ((token?.children.filter((c) => c.name === part).length ?? 0) > 1) return { token: undefined, problem: `more than one ${part}` };
  }
  const username = textOf(token, 'Username');
  if (username === undefined) return { token: undefined };
  const passwordEl = child(token, 'Password');
  const passwordType = passwordEl?.attributes['Type'];
  const nonce = textOf(token, 'Nonce');
  const created = textOf(token, 'Created');
  return {
    token: {
      username,
      password: passwordEl?.text ?? '',
      ...(passwordType === undefined ? {} : { passwordType }),
      ...(nonce === undefined ? {} : { nonce }),
      ...(created === undefined ? {} : { created }),
    },
  };
}

/** `readSecurityHeader(header).token`: the UsernameToken, `undefined` when there is none or it is ambiguous. */
export function usernameToken(header: XmlElement | undefined): UsernameToken | undefined {
  return readSecurityHeader(header).token;
}

/** The password form a Type names: the Profile's URIs, or their fragment alone as some clients write it. */
export function passwordKind(token: UsernameToken): 'text' | 'digest' | undefined {
  const type = token.passwordType?.trim();
  if (type === undefined || type === '' || type === PASSWORD_TEXT || type === 'PasswordText') return 'text';
  if (type === PASSWORD_DIGEST || type === 'PasswordDigest') return 'digest';
  return undefined;
}

/** True when the token carries a clear-text password. */
export function isPasswordText(token: UsernameToken): boolean {
  return passwordKind(token) === 'text';
}

/** Profile §3.1: Password_Digest = Base64(SHA-1(nonce + created + password)), nonce as decoded bytes, the rest UTF-8. */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created, 'utf8').update(password, 'utf8').digest('base64');
}

/**
 * Why a token was refused. An interface maps these to its own faults and should answer `unknownUser` and
 * `badPassword` alike, so the wire does not tell which user names exist.
 */
export type UsernameTokenFailure = 'missing' | 'malformed' | 'unsupportedType' | 'stale' | 'unknownUser' | 'badPassword' | 'replay';

export type UsernameTokenResult =
  | { ok: true; username: string; passwordType: 'text' | 'digest' }
  | { ok: false; failure: UsernameTokenFailure; username?: string; /** For logs; never contains a password. */ message: string };

export interface UsernameTokenVerifierOptions {
  /** The clear-text password of a user; `undefined` when there is no such user. */
  passwordOf(username: string): string | undefined;
  /** Wall clock in ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Oldest accepted Created, in seconds before now (default 300, as WSS4J and WCF default to five minutes). */
  maxAgeSeconds?: number;
  /** Latest accepted Created, in seconds after now: the clients' clock skew (default 60). */
  futureSkewSeconds?: number;
  /** Nonces remembered for replay detection (default 10,000); when full, the oldest is forgotten first. */
  maxNonces?: number;
  /** Password forms accepted (default both). */
  accept?: readonly ('text' | 'digest')[];
  /**
   * A digest token must carry Nonce and Created (default true): without them the digest is SHA-1 of the password
   * alone and can be replayed for ever (Profile 1.1 §4).
   */
  requireNonceAndCreatedForDigest?: boolean;
}

/** Nonces seen within their freshness window, bounded; insertion order is (nearly) expiry order. */
export class NonceCache {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.expiries.size;
  }

  /** True when `nonce` was seen and has not expired; otherwise remembers it until `expiresAt` and returns false. */
  seen(nonce: string, expiresAt: number, now: number): boolean {
    const known = this.expiries.get(nonce);
    if (known !== undefined && known > now) return true;
    for (const [key, expiry] of this.expiries) {
      if (expiry > now) break;
      this.expiries.delete(key);
    }
    this.expiries.delete(nonce);
    this.expiries.set(nonce, expiresAt);
    while (this.expiries.size > this.max) {
      const oldest = this.expiries.keys().next();
      if (oldest.done === true) break;
      this.expiries.delete(oldest.value);
    }
    return false;
  }
}

// xsd:dateTime as the Profile uses it (wsu:Created is UTC; a missing zone is read as UTC).
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseCreated(created: string): number | undefined {
  const m = DATE_TIME.exec(created);
  if (m === null) return undefined;
  // Date.parse keeps milliseconds only; longer fractions are cut to three digits.
  const stamp = (m[1] ?? '').replace(/(\.\d{3})\d+$/, '$1');
  const ms = Date.parse(`${stamp}${m[2] ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  return compact !== '' && BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

/** Equal-time comparison of any two byte strings: both are hashed to one length first. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const DUMMY_PASSWORD = 'ccgate-no-such-user';
/** Longest Nonce accepted, decoded: the replay cache holds up to `maxNonces` of them. */
export const MAX_NONCE_BYTES = 64;

/** Checks UsernameTokens against a user table with a freshness window and a replay cache. */
export class UsernameTokenVerifier {
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly futureMs: number;
  private readonly nonces: NonceCache;
  private readonly accept: ReadonlySet<'text' | 'digest'>;
  private readonly strictDigest: boolean;

  constructor(private readonly opts: UsernameTokenVerifierOptions) {
    this.now = opts.now ?? Date.now;
    this.maxAgeMs = (opts.maxAgeSeconds ?? 300) * 1000;
    this.futureMs = (opts.futureSkewSeconds ?? 60) * 1000;
    this.nonces = new NonceCache(opts.maxNonces ?? 10_000);
    this.accept = new Set(opts.accept ?? ['text', 'digest']);
    this.strictDigest = opts.requireNonceAndCreatedForDigest ?? true;
  }

  /** Reads the token from a SOAP Header and checks it. */
  verifyHeader(header: XmlElement | undefined): UsernameTokenResult {
    const read = readSecurityHeader(header);
    if (read.token === undefined && read.problem !== undefined) return fail('malformed', read.problem);
    return this.verify(read.token);
  }

  /**
   * Checks, in order: a token is present; its password form is supported; Nonce and Created are well-formed (and
   * present for a digest); Created is within the window; the user exists and the password or digest matches; the
   * Nonce was not used before (remembered only once the token has proved itself, so junk cannot flush the cache).
   */
  verify(token: UsernameToken | undefined): UsernameTokenResult {
    if (token === undefined || token.username === '') return fail('missing', 'no UsernameToken with a Username');
    const { username } = token;
    const kind = passwordKind(token);
    if (kind === undefined || !this.accept.has(kind)) return fail('unsupportedType', `password type ${token.passwordType ?? 'PasswordText'} is not accepted`, username);
    let nonce: Buffer | undefined;
    if (token.nonce !== undefined) {
      nonce = decodeBase64(token.nonce);
      if (nonce === undefined) return fail('malformed', 'Nonce is not Base64', username);
      // Clients send 16 random bytes (WCF, WSS4J, zeep); the replay cache keeps each nonce, so its size is bounded.
      if (nonce.length > MAX_NONCE_BYTES) return fail('malformed', `Nonce is longer than ${MAX_NONCE_BYTES} bytes`, username);
    }
    let created: number | undefined;
    if (token.created !== undefined) {
      created = parseCreated(token.created);
      if (created === undefined) return fail('malformed', 'Created is not an xsd:dateTime', username);
    }
    if (kind === 'digest' && this.strictDigest && (nonce === undefined || token.created === undefined)) {
      return fail('malformed', 'a PasswordDigest token needs Nonce and Created', username);
    }
    const now = this.now();
    if (created !== undefined && (created < now - this.maxAgeMs || created > now + this.futureMs)) {
      return fail('stale', 'Created is outside the freshness window', username);
    }
    const stored = this.opts.passwordOf(username);
    const expected = stored ?? DUMMY_PASSWORD;
    const matches =
      kind === 'text'
        ? sameBytes(Buffer.from(token.password, 'utf8'), Buffer.from(expected, 'utf8'))
        : sameBytes(
            decodeBase64(token.password) ?? Buffer.alloc(0),
            Buffer.from(passwordDigest(nonce ?? Buffer.alloc(0), token.created ?? '', expected), 'base64'),
          );
    if (stored === undefined) return fail('unknownUser', 'no such user', username);
    if (!matches) return fail('badPassword', `${kind === 'text' ? 'password' : 'digest'} does not match`, username);
    if (nonce !== undefined) {
      const expiresAt = (created ?? now) + this.maxAgeMs + this.futureMs;
      if (this.nonces.seen(nonce.toString('base64'), expiresAt, now)) return fail('replay', 'Nonce was used before', username);
    }
    return { ok: true, username, passwordType: kind };
  }
}

function fail(failure: UsernameTokenFailure, message: string, username?: string): UsernameTokenResult {
  return { ok: false, failure, message, ...(username === undefined ? {} : { username }) };
}
