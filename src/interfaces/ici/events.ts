/**
 * IciEvent messages (seed 002 §9.3) as OII posts them to a subscriber's appUrl: SOAP 1.1, every element qualified
 * in `urn:IciEventInterface`,
 * `appIds` naming every appId subscribed at that URL for the event (§9.2.6: "the contact center may collect events of
 * the same type and content"), without the placeholder `language`/`user` headers of the examples. Each builder
 * returns the body for a list of appIds; the event part is written once per change and the appIds per URL.
 */
import { array, envelope, leaf, textElement } from './xml-out.js';
import { EVENT_NS } from './protocol.js';

export type EventName = 'userChanged' | 'subscriptionEnded' | 'containerChanged' | 'phoneCallChanged';

/** One event, written once; `render` adds the appIds of one URL. */
export interface IciEventMessage {
  name: EventName;
  render(appIds: readonly string[]): string;
}

/** A class rather than an object with a closure: one is made for every change of every line. */
class EventMessage implements IciEventMessage {
  constructor(
    readonly name: EventName,
    private readonly part: string,
  ) {}

  render(appIds: readonly string[]): string {
    return envelope('1.1', `<${this.name} xmlns="${EVENT_NS}">${array('appIds', appIds)}${this.part}</${this.name}>`);
  }
}

function event(name: EventName, part: string): IciEventMessage {
  return new EventMessage(name, part);
}

/** §9.3.1: the user's attributes (the User element's children). */
export function userChanged(userXml: string): IciEventMessage {
  return event('userChanged', `<user>${userXml}</user>`);
}

/** §9.3.2 reason: 1 shut-down (resubscribe), 2 paused (subscriptions kept), 3 subscription timeout (resubscribe). */
export const SUBSCRIPTION_ENDED_REASONS = {
  1: 'WicomOII Stop',
  2: 'Contact center paused',
  3: 'Subscription timeout',
} as const;
export type SubscriptionEndedReason = keyof typeof SUBSCRIPTION_ENDED_REASONS;

export function subscriptionEnded(reason: SubscriptionEndedReason): IciEventMessage {
  return event('subscriptionEnded', textElement('reason', reason, SUBSCRIPTION_ENDED_REASONS[reason]));
}

/** §9.3.3 containerStatus: 1 OK, 2 Failure, 3 Removed. */
export const CONTAINER_STATUS = { 1: 'OK', 2: 'Failure', 3: 'Removed' } as const;

export function containerChanged(channelType: 1 | 2 | 3 | 4, containerId: string, status: keyof typeof CONTAINER_STATUS): IciEventMessage {
  return event('containerChanged', leaf('channelType', channelType) + leaf('containerId', containerId) + textElement('containerStatus', status, CONTAINER_STATUS[status]));
}

/**
 * §9.3.4: the PhoneCall, qualified like every element of the event (the seed's example writes `<phoneCall xmlns="">`;
 * one spelling is written, as the IciEvent WSDL declares it).
 */
export function phoneCallChanged(phoneCallXml: string): IciEventMessage {
  return event('phoneCallChanged', `<phoneCall>${phoneCallXml}</phoneCall>`);
}
