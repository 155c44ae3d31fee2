import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DxError, REQUESTS } from '#contracts';
import { NATS_CONNECTION, request } from '#bus';

/** A registered recipient: where it lives matters (another axis means: via the parent axis). */
export interface ResolvedAgency {
  organId: string;
  /** OrganId of the axis that owns the agency; absent when the registry does not say. */
  axisOrganId?: string;
}

/** Per OrganId: registered (and not deleted) or why not. */
export interface Resolution {
  known: Map<string, ResolvedAgency>;
  /** OrganId → reason it cannot receive. */
  unknown: Map<string, string>;
}

/** Keeps each request well below NATS max_payload even for a circular to every agency of the country. */
const CHUNK = 5000;
const TIMEOUT_MS = 5000;

/** Asks the registry service (over NATS) which agencies exist; the registry is the only truth for that. */
@Injectable()
export class RecipientResolver {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /** Throws a transient DxError when the registry cannot answer: the package is retried, never misrouted. */
  async resolve(organIds: readonly string[]): Promise<Resolution> {
    const out: Resolution = { known: new Map(), unknown: new Map() };
    if (!organIds.length) return out;
    for (let i = 0; i < organIds.length; i += CHUNK) {
      const chunk = organIds.slice(i, i + CHUNK);
      let reply;
      try {
        reply = await request(this.nc, REQUESTS.registryResolve.subject, { organIds: chunk }, TIMEOUT_MS);
      } catch (e) {
        const why = e instanceof DxError ? `${e.code}: ${e.message}` : String(e);
        throw new DxError('UNAVAILABLE', `registry resolve failed: ${why}`, 503, true);
      }
      for (const a of reply.agencies) {
        if (a.deleted) out.unknown.set(a.organId, `Recipient ${a.organId} was removed from the registry`);
        else out.known.set(a.organId, { organId: a.organId, axisOrganId: a.axisOrganId || undefined });
      }
      for (const id of reply.unknown) out.unknown.set(id, `Recipient ${id} is not registered at this hub`);
      // An id the registry neither knew nor rejected is not deliverable either.
      for (const id of chunk) {
        if (!out.known.has(id) && !out.unknown.has(id)) {
          out.unknown.set(id, `Recipient ${id} is not registered at this hub`);
        }
      }
    }
    return out;
  }
}
