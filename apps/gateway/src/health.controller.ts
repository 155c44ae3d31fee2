import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { NATS_CONNECTION } from '#bus';
import { DxError } from '#contracts';
import { SDK_PATHS, type SdkOk } from '#sdk-client';
import { ok } from './sdk-answer.js';

/** Unauthenticated liveness for load balancers and `docaxis up`: 503 UNAVAILABLE when NATS or Postgres is down. */
@ApiTags('ops')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  @Get(SDK_PATHS.health.slice(1))
  @ApiOperation({ summary: 'Liveness of the gateway, NATS and Postgres (no signature needed)' })
  async health(): Promise<SdkOk<{ nats: string; database: string }>> {
    const nats = this.nc.isClosed() ? 'closed' : 'up';
    const database = await this.ds.query('SELECT 1').then(
      () => 'up',
      () => 'down',
    );
    if (nats !== 'up' || database !== 'up') {
      throw new DxError('UNAVAILABLE', `nats ${nats}, database ${database}`);
    }
    return ok({ data: { nats, database } });
  }
}
