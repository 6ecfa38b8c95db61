import { describe, expect, it } from 'vitest';
import {
  isPasswordText,
  MAX_NONCE_BYTES,
  NonceCache,
  parseSoap,
  PASSWORD_DIGEST,
  PASSWORD_TEXT,
  passwordDigest,
  readSecurityHeader,
  usernameToken,
  UsernameTokenVerifier,
  type UsernameToken,
  type UsernameTokenVerifierOptions,
} from '../../src/soap/index.js';
import { nsOf } from './helpers.js';

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

function headerWith(security: string): ReturnType<typeof parseSoap>['header'] {
  return parseSoap(
    `<env:Envelope xmlns:env="${nsOf('1.2')}"><env:Header>${security}</env:Header><env:Body><Op/></env:Body></env:Envelope>`,
  ).header;
}

describe('usernameToken', () => {
  it('reads a PasswordText token under any prefix', () => {
    const header = headerWith(
      `<o:Security xmlns:o="${WSSE}" env:mustUnderstand="true"><o:UsernameToken>` +
        `<o:Username> qmadmin </o:Username><o:Password Type="${PASSWORD_TEXT}"> s3cret&amp;</o:Password>` +
        `</o:UsernameToken></o:Security>`,
    );
    const token = usernameToken(header);
    expect(token).toEqual({ username: 'qmadmin', password: ' s3cret&', passwordType: PASSWORD_TEXT });
    expect(token && isPasswordText(token)).toBe(true);
  });

  it('reads a token without a Type, which means PasswordText, and its parts by local name inside the Security block', () => {
    const token = usernameToken(headerWith(`<s:Security xmlns:s="${WSSE}"><UsernameToken><Username>u</Username><Password>p</Password></UsernameToken></s:Security>`));
    expect(token).toEqual({ username: 'u', password: 'p' });
    expect(token && isPasswordText(token)).toBe(true);
  });

  it('reads no credentials from a Security element outside the WS-Security namespaces', () => {
    const inside = '<UsernameToken><Username>u</Username><Password>p</Password></UsernameToken>';
    expect(usernameToken(headerWith(`<Security>${inside}</Security>`))).toBeUndefined();
    expect(usernameToken(headerWith(`<s:Security xmlns:s="urn:evil">${inside}</s:Security>`))).toBeUndefined();
    expect(usernameToken(headerWith(`<s:Security xmlns:s="http://schemas.xmlsoap.org/ws/2002/07/secext">${inside}</s:Security>`))?.username).toBe('u');
  });

  it('refuses as ambiguous two Security blocks, two tokens or a part given twice', () => {
    const token = (user: string): string => `<UsernameToken><Username>${user}</Username><Password>p</Password></UsernameToken>`;
    const sec = (inner: string): string => `<s:Security xmlns:s="${WSSE}">${inner}</s:Security>`;
    for (const [header, problem] of [
      [sec(token('a')) + sec(token('b')), 'more than one Security header for this node'],
      // Role "next" and no role both name this node (SOAP 1.2 Part 1 §2.2).
      [sec(token('a')) + `<s:Security xmlns:s="${WSSE}" env:role="http://www.w3.org/2003/05/soap-envelope/role/next">${token('b')}</s:Security>`, 'more than one Security header for this node'],
      [sec(token('a') + token('b')), 'more than one UsernameToken'],
      [sec('<UsernameToken><Username>a</Username><Username>b</Username><Password>p</Password></UsernameToken>'), 'more than one Username'],
    ] as const) {
      expect(readSecurityHeader(headerWith(header))).toEqual({ token: undefined, problem });
      expect(new UsernameTokenVerifier({ passwordOf: () => 'p' }).verifyHeader(headerWith(header))).toMatchObject({ ok: false, failure: 'malformed' });
    }
  });

  it('reads only the Security block targeted at this node: one for another role or for none carries no credentials here', () => {
    const inside = '<UsernameToken><Username>u</Username><Password>p</Password></UsernameToken>';
    const role = (uri: string): string => `<s:Security xmlns:s="${WSSE}" env:role="${uri}">${inside}</s:Security>`;
    expect(usernameToken(headerWith(role('http://gateway.example.com/next-hop')))).toBeUndefined();
    expect(usernameToken(headerWith(role('http://www.w3.org/2003/05/soap-envelope/role/none')))).toBeUndefined();
    expect(usernameToken(headerWith(role('http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver')))?.username).toBe('u');
    // One block per role is what WS-Security allows: the other node's block beside ours is not ambiguous.
    const ours = `<s:Security xmlns:s="${WSSE}"><UsernameToken><Username>me</Username><Password>p</Password></UsernameToken></s:Security>`;
    expect(usernameToken(headerWith(role('http://gateway.example.com/next-hop') + ours))?.username).toBe('me');
    // A role attribute outside the envelope namespace targets nothing.
    expect(usernameToken(headerWith(`<s:Security xmlns:s="${WSSE}" xmlns:x="urn:x" x:role="http://elsewhere/">${inside}</s:Security>`))?.username).toBe('u');
    // SOAP 1.1: an actor other than "next" is another node's.
    const soap11 = parseSoap(
      `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header><s:Security xmlns:s="${WSSE}" e:actor="http://elsewhere/">${inside}</s:Security></e:Header><e:Body><Op/></e:Body></e:Envelope>`,
    ).header;
    expect(usernameToken(soap11)).toBeUndefined();
  });

  it('reports a digest password type so the caller can refuse it', () => {
    const token = usernameToken(
      headerWith(
        `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>u</wsse:Username>` +
          `<wsse:Password Type="${PASSWORD_DIGEST}">abc=</wsse:Password></wsse:UsernameToken></wsse:Security>`,
      ),
    );
    expect(token?.passwordType).toBe(PASSWORD_DIGEST);
    expect(token && isPasswordText(token)).toBe(false);
  });

  it('is undefined without a header, a Security element or a Username', () => {
    expect(usernameToken(undefined)).toBeUndefined();
    expect(usernameToken(headerWith('<Other/>'))).toBeUndefined();
    expect(usernameToken(headerWith(`<s:Security xmlns:s="${WSSE}"><UsernameToken><Password>p</Password></UsernameToken></s:Security>`))).toBeUndefined();
  });
});

// Vectors computed outside ccgate, by python3 (base64(sha1(b64decode(nonce) + created + password))) and by
// `(base64 -d <<< nonce; printf %s created password) | openssl dgst -sha1 -binary | base64`; both agree.
const VECTORS = [
  { nonce: 'WScqanjCEAC4mQoBE07sAQ==', created: '2003-07-16T01:24:32Z', password: 'IloveDogs', digest: 'cywFYG+KaPMK3PCWR+m+DWtqzac=' },
  { nonce: 'LKqI6G/AikKCQrN0zqZFlg==', created: '2010-09-16T07:50:45.000Z', password: 'Ünïcødé pässwörd', digest: 'v2GvYxvV6fPBddGLiFAVGMypVbs=' },
];

describe('passwordDigest (UsernameToken Profile §3.1)', () => {
  it.each(VECTORS)('Base64(SHA-1(nonce + created + password)) for $created', (v) => {
    expect(passwordDigest(Buffer.from(v.nonce, 'base64'), v.created, v.password)).toBe(v.digest);
  });
});

describe('UsernameTokenVerifier', () => {
  const users: Record<string, string> = { qmadmin: 'IloveDogs', intl: 'Ünïcødé pässwörd' };
  const make = (nowIso: string, opts: Partial<UsernameTokenVerifierOptions> = {}) =>
    new UsernameTokenVerifier({ passwordOf: (u) => users[u], now: () => Date.parse(nowIso), ...opts });
  const digestToken = (v: (typeof VECTORS)[number], username: string): UsernameToken => ({
    username,
    password: v.digest,
    passwordType: PASSWORD_DIGEST,
    nonce: v.nonce,
    created: v.created,
  });

  it('accepts a PasswordDigest computed independently, once: the same nonce again is a replay', () => {
    const [v1, v2] = VECTORS as [(typeof VECTORS)[number], (typeof VECTORS)[number]];
    const verifier = make('2003-07-16T01:26:00Z');
    expect(verifier.verify(digestToken(v1, 'qmadmin'))).toEqual({ ok: true, username: 'qmadmin', passwordType: 'digest' });
    expect(verifier.verify(digestToken(v1, 'qmadmin'))).toMatchObject({ ok: false, failure: 'replay', username: 'qmadmin' });
    expect(make('2010-09-16T07:51:00Z').verify(digestToken(v2, 'intl'))).toMatchObject({ ok: true, username: 'intl' });
  });

  it('refuses a wrong digest or password, an unknown user, and a digest over another Created', () => {
    const [v1] = VECTORS as [(typeof VECTORS)[number]];
    const verifier = make('2003-07-16T01:26:00Z');
    expect(verifier.verify({ ...digestToken(v1, 'qmadmin'), password: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).toMatchObject({ ok: false, failure: 'badPassword' });
    expect(verifier.verify({ ...digestToken(v1, 'qmadmin'), created: '2003-07-16T01:24:33Z' })).toMatchObject({ ok: false, failure: 'badPassword' });
    expect(verifier.verify(digestToken(v1, 'nobody'))).toMatchObject({ ok: false, failure: 'unknownUser' });
    expect(verifier.verify({ username: 'qmadmin', password: 'IloveDogs' })).toMatchObject({ ok: true, passwordType: 'text' });
    expect(verifier.verify({ username: 'qmadmin', password: 'IloveDogs ', passwordType: PASSWORD_TEXT })).toMatchObject({ ok: false, failure: 'badPassword' });
    expect(verifier.verify({ username: 'nobody', password: 'x' })).toMatchObject({ ok: false, failure: 'unknownUser' });
    // A refused token does not consume its nonce: the genuine one still works afterwards.
    expect(verifier.verify(digestToken(v1, 'qmadmin'))).toMatchObject({ ok: true });
  });

  it('keeps a freshness window on Created: five minutes back, one minute ahead by default', () => {
    const [v1] = VECTORS as [(typeof VECTORS)[number]];
    expect(make('2003-07-16T01:29:33Z').verify(digestToken(v1, 'qmadmin'))).toMatchObject({ ok: false, failure: 'stale' });
    expect(make('2003-07-16T01:29:31Z').verify(digestToken(v1, 'qmadmin'))).toMatchObject({ ok: true });
    expect(make('2003-07-16T01:23:31Z').verify(digestToken(v1, 'qmadmin'))).toMatchObject({ ok: false, failure: 'stale' });
    expect(make('2003-07-16T01:23:33Z').verify(digestToken(v1, 'qmadmin'))).toMatchObject({ ok: true });
    expect(make('2003-07-16T02:00:00Z', { maxAgeSeconds: 3600 }).verify(digestToken(v1, 'qmadmin'))).toMatchObject({ ok: true });
    // PasswordText with a Created is held to the window too.
    expect(make('2003-07-16T02:00:00Z').verify({ username: 'qmadmin', password: 'IloveDogs', created: v1.created })).toMatchObject({ ok: false, failure: 'stale' });
  });

  it('types what it cannot check: no token, an unknown password type, malformed Nonce or Created, a digest without them', () => {
    const [v1] = VECTORS as [(typeof VECTORS)[number]];
    const verifier = make('2003-07-16T01:26:00Z');
    expect(verifier.verify(undefined)).toMatchObject({ ok: false, failure: 'missing' });
    expect(verifier.verify({ username: 'qmadmin', password: 'x', passwordType: 'urn:kerberos' })).toMatchObject({ ok: false, failure: 'unsupportedType' });
    expect(make('2003-07-16T01:26:00Z', { accept: ['digest'] }).verify({ username: 'qmadmin', password: 'IloveDogs' })).toMatchObject({ ok: false, failure: 'unsupportedType' });
    expect(verifier.verify({ ...digestToken(v1, 'qmadmin'), nonce: 'not base64!' })).toMatchObject({ ok: false, failure: 'malformed' });
    expect(verifier.verify({ ...digestToken(v1, 'qmadmin'), created: 'yesterday' })).toMatchObject({ ok: false, failure: 'malformed' });
    // The replay cache keeps each nonce: one of 140 KB (with a valid password) would make it hold gigabytes.
    const long = Buffer.alloc(MAX_NONCE_BYTES + 1, 7);
    const longToken = { username: 'qmadmin', password: passwordDigest(long, v1.created, v1.password), passwordType: PASSWORD_DIGEST, nonce: long.toString('base64'), created: v1.created };
    expect(verifier.verify(longToken)).toMatchObject({ ok: false, failure: 'malformed', message: `Nonce is longer than ${MAX_NONCE_BYTES} bytes` });
    const { nonce: _n, ...withoutNonce } = digestToken(v1, 'qmadmin');
    expect(verifier.verify(withoutNonce)).toMatchObject({ ok: false, failure: 'malformed' });
  });

  it('reads the OASIS profile example from a header and refuses it (its digest is not a SHA-1 of any given password)', () => {
    // UsernameToken Profile 1.0 §3.1's example, verbatim values; the profile gives no password, and its digest decodes
    // to 22 bytes, so no password can match: a clean badPassword, not an exception.
    const header = headerWith(
      `<wsse:Security xmlns:wsse="${WSSE}" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">` +
        `<wsse:UsernameToken><wsse:Username>NNK</wsse:Username>` +
        `<wsse:Password Type="${PASSWORD_DIGEST}">weYI3nXd8LjMNVksCKFV8t3rgHh3Rw==</wsse:Password>` +
        `<wsse:Nonce>WScqanjCEAC4mQoBE07sAQ==</wsse:Nonce><wsu:Created>2003-07-16T01:24:32Z</wsu:Created>` +
        `</wsse:UsernameToken></wsse:Security>`,
    );
    expect(usernameToken(header)).toEqual({
      username: 'NNK',
      password: 'weYI3nXd8LjMNVksCKFV8t3rgHh3Rw==',
      passwordType: PASSWORD_DIGEST,
      nonce: 'WScqanjCEAC4mQoBE07sAQ==',
      created: '2003-07-16T01:24:32Z',
    });
    const verifier = new UsernameTokenVerifier({ passwordOf: (u) => (u === 'NNK' ? 'secret' : undefined), now: () => Date.parse('2003-07-16T01:25:00Z') });
    expect(verifier.verifyHeader(header)).toMatchObject({ ok: false, failure: 'badPassword', username: 'NNK' });
  });
});

describe('NonceCache', () => {
  it('is bounded: beyond its size the oldest nonce is forgotten first, and expired ones are dropped', () => {
    const cache = new NonceCache(2);
    expect(cache.seen('a', 100, 0)).toBe(false);
    expect(cache.seen('b', 100, 0)).toBe(false);
    expect(cache.seen('a', 100, 1)).toBe(true);
    expect(cache.seen('c', 100, 1)).toBe(false);
    expect(cache.size).toBe(2);
    expect(cache.seen('a', 100, 2)).toBe(false);
    expect(cache.seen('c', 100, 150)).toBe(false);
    expect(cache.size).toBe(1);
  });
});
