import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import { isDxError, type ConsumerKey } from '#contracts';
import {
  JETSTREAM,
  readAcceptedPackageMeta,
  readPackageObject,
  releasePackageObjectQuietly,
  type BusMessage,
} from '#bus';
import { EdxmlError, scanEdxml } from '#edxml';
import { RoutingService } from '#routing';

@Controller()
export class RouterController {
  private readonly logger = new Logger(RouterController.name);

  constructor(
    @Inject(RoutingService) private readonly routing: RoutingService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  @EventPattern('router' satisfies ConsumerKey)
  async onAcceptedPackage(@Payload() msg: BusMessage): Promise<void> {
    const meta = readAcceptedPackageMeta(msg.headers);
    if (!meta.object) {
      await this.routing.route(meta, msg.data, { attempt: msg.deliveryCount });
      return;
    }
    // A large package: routing needs its header, read from the object as a stream into the package's skeleton
    // (everything but attachment contents, see EdxmlStreamScanner), never the whole package.
    let skeleton: Buffer;
    try {
      skeleton = Buffer.from((await scanEdxml(readPackageObject(this.js, meta.object))).skeleton, 'utf8');
    } catch (e) {
      // A redelivery after router and archive were both done and the object was released: the rows stand.
      if (isDxError(e) && e.code === 'PACKAGE_OBJECT_MISSING' && (await this.routing.republishRouted(meta))) {
        return;
      }
      // The gateway checked the package, so this is a library mismatch: route() records it for the sender.
      if (!(e instanceof EdxmlError)) throw e;
      skeleton = Buffer.alloc(0);
    }
    await this.routing.route(meta, skeleton, { attempt: msg.deliveryCount });
    await releasePackageObjectQuietly(
      this.js,
      (sql, p) => this.ds.query(sql, p),
      { docId: meta.docId, object: meta.object },
      this.logger,
    );
  }
}
