import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { REQUESTS, type ListAgenciesReply } from '#contracts';
import { NATS_CONNECTION, request } from '#bus';
import type { PageRequest } from './exchange.types.js';
import { pageLimit } from './pagination.js';

export interface AgenciesListInput extends PageRequest {
  /** Only agencies changed after this registry version (incremental sync). */
  sinceVersion?: number;
}

/** The agency directory, read from the registry service over NATS (the gateway keeps no copy). */
@Injectable()
export class AgenciesService {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async agenciesList(input: AgenciesListInput): Promise<ListAgenciesReply> {
    return request(this.nc, REQUESTS.registryList.subject, {
      limit: pageLimit(input.limit),
      ...(input.after ? { after: input.after } : {}),
      ...(input.sinceVersion !== undefined ? { sinceVersion: input.sinceVersion } : {}),
    });
  }
}
