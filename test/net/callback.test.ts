import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { checkCallbackAddress, checkCallbackHost, CallbackUrlError, LOCAL_NETWORKS, parseCallbackUrl } from '../../src/net/callback.js';
import { compileCidrs, isCidr } from '../../src/net/cidr.js';

const local = { allowed: compileCidrs(LOCAL_NETWORKS, 'ici.appUrlAllow'), key: 'ici.appUrlAllow' };

describe('the shared callback-address check', () => {
  it('parses http(s) URLs and says why others can never be used, without echoing them', () => {
    expect(parseCallbackUrl('http://[::1]:8080/cb')).toMatchObject({ host: '::1', literal: true });
    expect(parseCallbackUrl('https://qm.example:8443/cb')).toMatchObject({ host: 'qm.example', literal: false });
    expect(() => parseCallbackUrl('ftp://u:secret@host/', 'appUrl')).toThrow(new CallbackUrlError('appUrl must be an http or https URL'));
    expect(() => parseCallbackUrl('http://user:pw@127.0.0.1:9104/x', 'appUrl')).toThrow(new CallbackUrlError('appUrl must not carry credentials (user:password@)'));
    expect(() => parseCallbackUrl('http://user@127.0.0.1:9104/x')).toThrow(/must not carry credentials/);
    expect(() => parseCallbackUrl('not a url secret')).toThrow(/^CallbackUrl is not an absolute URL$/);
  });

  it('checks an IP literal at once, naming the setting in a refusal', () => {
    expect(checkCallbackAddress('10.1.2.3', local)).toEqual({ ok: true });
    expect(checkCallbackAddress('169.254.169.254', local)).toEqual({ ok: false, reason: 'callback address 169.254.169.254 is not in ici.appUrlAllow' });
  });

  it('resolves a name and requires every address to be allowed; an unresolvable name is refused', async () => {
    expect(await checkCallbackHost('localhost', local)).toEqual({ ok: true });
    const loopbackOnlyV6 = { allowed: compileCidrs(['::1/128'], 'x'), key: 'x' };
    const v = await checkCallbackHost('localhost', loopbackOnlyV6);
    // localhost resolves to 127.0.0.1 (and perhaps ::1): the IPv4 answer is outside the list.
    expect(v).toEqual({ ok: false, reason: 'callback host localhost resolves to 127.0.0.1, not in x' });
    const bad = await checkCallbackHost('no-such-host.invalid', local);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^callback host no-such-host.invalid could not be resolved \(/);
  });

  it('CIDR entries: a bad one is a ConfigError naming the setting', () => {
    expect(isCidr('10.0.0.0/8')).toBe(true);
    expect(isCidr('10.0.0.0/40')).toBe(false);
    const err = (() => {
      try {
        compileCidrs(['nonsense'], 'allow.api');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ key: 'allow.api', message: 'allow.api: "nonsense" is not an address or CIDR range' });
  });
});
