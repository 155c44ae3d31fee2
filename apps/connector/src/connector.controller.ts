import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import type { ConsumerKey } from '#contracts';
import {
  JETSTREAM,
  readAcceptedPackageMeta,
  readPackageObject,
  releasePackageObjectQuietly,
  type BusMessage,
} from '#bus';
import { OutboundService } from '#connector';

@Controller()
export class ConnectorController {
  private readonly logger = new Logger(ConnectorController.name);

  constructor(
    @Inject(OutboundService) private readonly outbound: OutboundService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** Packages the router queued for other axes (DX_OUTBOUND; the consumer never gives up, the lifetime does). */
  @EventPattern('connectorOut' satisfies ConsumerKey)
  async onOutboundPackage(@Payload() msg: BusMessage): Promise<void> {
    const meta = readAcceptedPackageMeta(msg.headers);
    if (!meta.object) {
      await this.outbound.forward(meta, msg.data);
      return;
    }
    // A large package (Dx-Object): the links send whole packages, so it is read whole here (not streamed: the
    // connector's memory grows by the package's size while it forwards one), then the object is released.
    const parts: Uint8Array[] = [];
    for await (const chunk of readPackageObject(this.js, meta.object)) parts.push(chunk);
    await this.outbound.forward(meta, Buffer.concat(parts));
    await releasePackageObjectQuietly(
      this.js,
      (sql, p) => this.ds.query(sql, p),
      { docId: meta.docId, object: meta.object },
      this.logger,
    );
  }
}
