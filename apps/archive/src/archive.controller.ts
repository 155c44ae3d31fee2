import { Controller, Inject, Logger, Optional } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import { DxError, isDxError, type ConsumerKey } from '#contracts';
import {
  JETSTREAM,
  readAcceptedPackageMeta,
  readPackageObject,
  releasePackageObjectQuietly,
  type BusMessage,
} from '#bus';
import { ArchiveService, parseDeliveryEvent } from '#archive';

@Controller()
export class ArchiveController {
  private readonly logger = new Logger(ArchiveController.name);

  constructor(
    @Inject(ArchiveService) private readonly archive: ArchiveService,
    /** Absent in an archive started without NATS (tests): it then archives only packages carried in messages. */
    @Optional() @Inject(JETSTREAM) private readonly js: JetStreamClient | undefined,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  @EventPattern('archivePackages' satisfies ConsumerKey)
  async onAcceptedPackage(@Payload() msg: BusMessage): Promise<void> {
    const meta = readAcceptedPackageMeta(msg.headers);
    const object = meta.object;
    if (!object) {
      await this.archive.archivePackage(meta, msg.data);
      return;
    }
    // A large package: streamed from the object store into the blob store, never held whole.
    const js = this.js;
    if (!js) throw new DxError('UNAVAILABLE', `package ${meta.docId} is in the object store: no NATS client`);
    try {
      await this.archive.archiveStreamed(meta, () => readPackageObject(js, object));
    } catch (e) {
      // A redelivery after router and archive were both done and the object was released: nothing to do.
      if (!(isDxError(e) && e.code === 'PACKAGE_OBJECT_MISSING' && (await this.archived(meta.docId))))
        throw e;
    }
    await releasePackageObjectQuietly(
      js,
      (sql, p) => this.ds.query(sql, p),
      { ...meta, object },
      this.logger,
    );
  }

  @EventPattern('archiveEvents' satisfies ConsumerKey)
  async onDeliveryEvent(@Payload() msg: BusMessage): Promise<void> {
    await this.archive.recordEvent(parseDeliveryEvent(msg.data));
  }

  private async archived(docId: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM archived_package WHERE doc_id = $1`, [docId]);
    return rows.length > 0;
  }
}
