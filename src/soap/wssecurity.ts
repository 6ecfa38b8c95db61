import { child, path, textOf, type XmlElement } from './xml.js';

/** WSS UsernameToken Profile 1.1 §3.1: the Password Type of a clear-text password (also the default when absent). */
export const PASSWORD_TEXT =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
/** WSS UsernameToken Profile 1.1 §3.1: a Base64(SHA-1(nonce + created + password)) digest. */
export const PASSWORD_DIGEST =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';

export interface UsernameToken {
  username: string;
  password: string;
  /** The Password's Type attribute as sent; absent means PasswordText (UsernameToken Profile §3.1). */
  passwordType?: string;
}

/**
 * `Security/UsernameToken/{Username,Password}` from a SOAP Header, namespace-agnostic (clients use wsse 1.0
 * and 1.1 namespaces and any prefix). `undefined` when there is no token or no Username. The username is
 * trimmed; the password is taken verbatim because whitespace in it is significant.
 */
export function usernameToken(header: XmlElement | undefined): UsernameToken | undefined {
  const token = path(header, 'Security', 'UsernameToken');
  const username = textOf(token, 'Username');
  if (username === undefined) return undefined;
  const passwordEl = child(token, 'Password');
  const passwordType = passwordEl?.attributes['Type'];
  return {
    username,
    password: passwordEl?.text ?? '',
    ...(passwordType === undefined ? {} : { passwordType }),
  };
}

/** True when the token carries a clear-text password, the only kind ccgate can check. */
export function isPasswordText(token: UsernameToken): boolean {
  return token.passwordType === undefined || token.passwordType === PASSWORD_TEXT || token.passwordType === 'PasswordText';
}
