import {
  CONSUMERS,
  EVENTS,
  OBJECT_STORES,
  PRINCIPALS,
  REQUESTS,
  STREAMS,
  agencyNatsSubject,
  deadLetterSubject,
} from '#contracts';

/** A docaxis service's NATS user, as declared in proto/ (principals). */
export type PrincipalName = keyof typeof PRINCIPALS;
export const ADMIN_PRINCIPAL: PrincipalName = 'admin';
export const PRINCIPAL_NAMES = Object.keys(PRINCIPALS) as PrincipalName[];

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
  /** May answer requests it received, on their reply subjects only (and only once each). */
  allowResponses: boolean;
}

/**
 * Replies come to `_INBOX_<user>.…` (nats.js `inboxPrefix`), so a user can subscribe to its own replies and
 * nobody else's. The user name must be one subject token.
 */
export function inboxPrefixOf(user: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(user))
    throw new Error(`NATS user ${JSON.stringify(user)} is not one subject token`);
  return `_INBOX_${user}`;
}

const asWildcard = (template: string) => template.replace(/\{\w+\}/g, '*');

/** The subjects a service principal may publish and subscribe to, derived from proto/. */
export function principalPermissions(name: PrincipalName, user: string = name): NatsPermissions {
  const p = PRINCIPALS[name];
  if (p.admin) return { publish: ['>'], subscribe: ['>'], allowResponses: false };
  const publish = new Set<string>();
  const subscribe = new Set<string>([`${inboxPrefixOf(user)}.>`]);
  const durables: string[] = [];
  for (const key of p.consumes) {
    const c = CONSUMERS[key];
    const stream = STREAMS[c.stream].name;
    durables.push(c.durable);
    // consumers.get() reads the consumer's info; consume() pulls batches; acks, naks and terms go to $JS.ACK.
    publish.add(`$JS.API.CONSUMER.INFO.${stream}.${c.durable}`);
    publish.add(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${c.durable}`);
    publish.add(`$JS.ACK.${stream}.${c.durable}.>`);
  }
  for (const key of p.publishes) {
    const subject = EVENTS[key].subject;
    if (key === 'deadLetter') for (const d of durables) publish.add(deadLetterSubject(d));
    else publish.add(asWildcard(subject));
  }
  for (const key of p.requests) publish.add(REQUESTS[key].subject);
  for (const key of p.objects) for (const s of objectStoreSubjects(OBJECT_STORES[key].bucket)) publish.add(s);
  for (const subject of servedSubjects(p.serves)) subscribe.add(subject);
  return { publish: [...publish], subscribe: [...subscribe], allowResponses: p.serves.length > 0 };
}

/**
 * What reading, writing and deleting objects of a bucket takes (nats.js Objm, and readPackageObject's direct
 * gets): the account info, its chunk and meta subjects, and the stream's info, message get, direct get and purge
 * (a delete purges the chunks). Not the bucket's creation or deletion: the admin declares it.
 */
function objectStoreSubjects(bucket: string): string[] {
  const stream = `OBJ_${bucket}`;
  return [
    // Account info: the object store client asks for it when it opens a bucket (jetstreamManager()).
    '$JS.API.INFO',
    `$O.${bucket}.>`,
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.STREAM.PURGE.${stream}`,
  ];
}

/**
 * The subjects a responder subscribes to. Calls addressed per caller (`dx.axis.*.send`, …) are answered by one
 * subscription on `<prefix>.*`, allowed when the principal serves every call of proto/ with that prefix.
 */
function servedSubjects(serves: readonly (keyof typeof REQUESTS)[]): string[] {
  const prefixOf = (subject: string) => subject.slice(0, subject.lastIndexOf('.'));
  const mine = serves.map((key) => REQUESTS[key].subject as string);
  const all = Object.values(REQUESTS).map((r) => r.subject as string);
  return [
    ...new Set(
      mine.map((subject) => {
        const prefix = prefixOf(subject);
        const whole =
          prefix.includes('*') && all.filter((s) => prefixOf(s) === prefix).every((s) => mine.includes(s));
        return whole ? `${prefix}.*` : subject;
      }),
    ),
  ];
}

/**
 * An agency system's user: it may call dx.agency.<agency>.> for its own agencies and read its own replies,
 * nothing else (not another system's agencies, not the streams, not other inboxes).
 */
export function agencySystemPermissions(user: string, organIds: readonly string[]): NatsPermissions {
  return {
    publish: organIds.map((id) => agencyNatsSubject('send', id).replace(/\.send$/, '.>')),
    subscribe: [`${inboxPrefixOf(user)}.>`],
    allowResponses: false,
  };
}

export interface NatsUserEntry {
  user: string;
  /** A password, or a bcrypt hash of one (nats-server accepts both). */
  password?: string;
  /** Public nkey (U…) instead of user/password. */
  nkey?: string;
  permissions: NatsPermissions;
}

const q = (s: string): string => JSON.stringify(s);
const list = (items: string[]) => `[${items.map(q).join(', ')}]`;

/**
 * The nats-server `users: [...]` list (for `authorization { }` or an account), one user per line. With an
 * empty allow list, nats-server would allow everything: such a list is written as a deny of everything.
 */
export function renderNatsUsers(users: readonly NatsUserEntry[]): string {
  const lines = users.map((u) => {
    const id = u.nkey ? `nkey: ${q(u.nkey)}` : `user: ${q(u.user)}, password: ${q(u.password ?? '')}`;
    const rule = (allow: string[]) => (allow.length ? `{ allow: ${list(allow)} }` : `{ deny: [">"] }`);
    const perms = [
      `publish: ${rule(u.permissions.publish)}`,
      `subscribe: ${rule(u.permissions.subscribe)}`,
      ...(u.permissions.allowResponses ? ['allow_responses: true'] : []),
    ];
    return `  { ${id}, permissions: { ${perms.join(', ')} } }`;
  });
  return ['users: [', ...lines, ']'].join('\n');
}
