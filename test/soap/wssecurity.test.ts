import { describe, expect, it } from 'vitest';
import { isPasswordText, parseSoap, PASSWORD_DIGEST, PASSWORD_TEXT, usernameToken } from '../../src/soap/index.js';
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

  it('reads an unqualified token without a Type, which means PasswordText', () => {
    const token = usernameToken(headerWith('<Security><UsernameToken><Username>u</Username><Password>p</Password></UsernameToken></Security>'));
    expect(token).toEqual({ username: 'u', password: 'p' });
    expect(token && isPasswordText(token)).toBe(true);
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
    expect(usernameToken(headerWith('<Security><UsernameToken><Password>p</Password></UsernameToken></Security>'))).toBeUndefined();
  });
});
