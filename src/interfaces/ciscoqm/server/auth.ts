/**
 * Seed 001 "Authentication": every Server API operation needs the user ID and password of a configured QM user in a
 * WS-Security UsernameToken (PasswordText, or PasswordDigest with Nonce and Created), checked by the SOAP toolkit's
 * verifier (freshness window, replay cache). A refusal is a SOAP fault with the WS-Security 1.0 fault code (§12:
 * `wsse:InvalidSecurity`, `wsse:InvalidSecurityToken`, `wsse:UnsupportedSecurityToken`, `wsse:MessageExpired`,
 * `wsse:FailedAuthentication`) as the Sender subcode; an unknown user and a wrong password are answered alike.
 */
import { SoapFault, UsernameTokenVerifier, WSSE_NS, type UsernameTokenFailure } from '../../../soap/index.js';
import type { XmlElement } from '../../../xml/index.js';
import type { QmSettings, QmUser } from '../settings.js';

const WSS_FAULTS: Readonly<Record<UsernameTokenFailure, { local: string; reason: string }>> = {
  missing: { local: 'InvalidSecurity', reason: 'An error was discovered processing the <wsse:Security> header: no UsernameToken' },
  malformed: { local: 'InvalidSecurityToken', reason: 'An invalid security token was provided' },
  unsupportedType: { local: 'UnsupportedSecurityToken', reason: 'An unsupported token was provided' },
  stale: { local: 'MessageExpired', reason: 'The message has expired' },
  unknownUser: { local: 'FailedAuthentication', reason: 'The security token could not be authenticated or authorized' },
  badPassword: { local: 'FailedAuthentication', reason: 'The security token could not be authenticated or authorized' },
  replay: { local: 'FailedAuthentication', reason: 'The security token could not be authenticated or authorized' },
};

export class ServerApiAuth {
  private readonly verifier: UsernameTokenVerifier;

  constructor(private readonly settings: QmSettings) {
    // Wall time, not the core's clock: Created is the client's wall clock.
    this.verifier = new UsernameTokenVerifier({ passwordOf: (u) => settings.user(u)?.password });
  }

  /**
   * The QM user the request's header authenticates.
   * @throws SoapFault Sender with a `wsse:` subcode; `log` gets the reason (never a password).
   */
  authenticate(header: XmlElement | undefined, log: (reason: string, username?: string) => void): QmUser {
    const result = this.verifier.verifyHeader(header);
    if (!result.ok) {
      log(result.message, result.username);
      const f = WSS_FAULTS[result.failure];
      throw new SoapFault({ code: 'Sender', subcode: { ns: WSSE_NS, local: f.local, prefix: 'wsse' }, reason: f.reason, reasonCode: result.failure });
    }
    const user = this.settings.user(result.username);
    if (!user) throw new SoapFault({ code: 'Sender', subcode: { ns: WSSE_NS, local: 'FailedAuthentication', prefix: 'wsse' }, reason: WSS_FAULTS.unknownUser.reason });
    return user;
  }
}

/** Whether the user sees the contacts of the agent (seed 001 "User Scope": the archive user every contact). */
export function inScope(user: QmUser, agentUserId: string | undefined): boolean {
  if (user.scope === undefined) return true;
  return agentUserId !== undefined && user.scope.has(agentUserId);
}
