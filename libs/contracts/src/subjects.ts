import { EVENTS, REQUESTS, STREAMS, CONSUMERS } from './generated/contracts.js';

export type MessageType = 'edoc' | 'status';
export const MESSAGE_TYPES: readonly MessageType[] = ['edoc', 'status'];

/** Fills `{name}` placeholders of a subject template from proto/ (values must be single NATS tokens). */
export function fillSubject(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (!v || /[\s.*>]/.test(v)) throw new Error(`bad subject token for ${k}: ${JSON.stringify(v)}`);
    return v;
  });
}

export const packageAcceptedSubject = (messageType: MessageType): string =>
  fillSubject(EVENTS.packageAccepted.subject, { messageType });
export const packageOutboundSubject = (messageType: MessageType): string =>
  fillSubject(EVENTS.packageOutbound.subject, { messageType });
export const deliveryEventSubject = (event: string): string =>
  fillSubject(EVENTS.deliveryEvent.subject, { event });
export const deadLetterSubject = (consumer: string): string =>
  fillSubject(EVENTS.deadLetter.subject, { consumer });

export type StreamKey = keyof typeof STREAMS;
export type ConsumerKey = keyof typeof CONSUMERS;
export type RequestSubject = (typeof REQUESTS)[keyof typeof REQUESTS]['subject'];

/** Header values must be ASCII; DocumentIds and reasons carry Vietnamese text. */
export const encodeHeaderValue = (v: string): string => encodeURIComponent(v);
export const decodeHeaderValue = (v: string): string => decodeURIComponent(v);
