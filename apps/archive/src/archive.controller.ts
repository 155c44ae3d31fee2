import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumerKey } from '#contracts';
import { readAcceptedPackageMeta, type BusMessage } from '#bus';
import { ArchiveService, parseDeliveryEvent } from '#archive';

@Controller()
export class ArchiveController {
  constructor(@Inject(ArchiveService) private readonly archive: ArchiveService) {}

  @EventPattern('archivePackages' satisfies ConsumerKey)
  async onAcceptedPackage(@Payload() msg: BusMessage): Promise<void> {
    await this.archive.archivePackage(readAcceptedPackageMeta(msg.headers), msg.data);
  }

  @EventPattern('archiveEvents' satisfies ConsumerKey)
  async onDeliveryEvent(@Payload() msg: BusMessage): Promise<void> {
    await this.archive.recordEvent(parseDeliveryEvent(msg.data));
  }
}
