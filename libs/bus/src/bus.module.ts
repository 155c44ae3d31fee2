import { Global, Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connectBus } from './bus.connection.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');

/** Client-side NATS for services that publish or send requests (the consuming side is DocaxisTransport). */
@Global()
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  static forRoot(natsUrl: string, name: string): DynamicModule {
    return {
      module: BusModule,
      providers: [
        { provide: NATS_CONNECTION, useFactory: () => connectBus(natsUrl, `${name}-client`) },
        {
          provide: JETSTREAM,
          useFactory: (nc: NatsConnection): JetStreamClient => jetstream(nc),
          inject: [NATS_CONNECTION],
        },
      ],
      exports: [NATS_CONNECTION, JETSTREAM],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
  }
}
