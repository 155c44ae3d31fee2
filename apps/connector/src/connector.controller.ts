import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumerKey } from '#contracts';
import { readAcceptedPackageMeta, type BusMessage } from '#bus';
import { OutboundService } from '#connector';

@Controller()
export class ConnectorController {
  constructor(@Inject(OutboundService) private readonly outbound: OutboundService) {}

  /** Packages the router queued for other axes (DX_OUTBOUND; the consumer never gives up, the lifetime does). */
  @EventPattern('connectorOut' satisfies ConsumerKey)
  async onOutboundPackage(@Payload() msg: BusMessage): Promise<void> {
    await this.outbound.forward(readAcceptedPackageMeta(msg.headers), msg.data);
  }
}
