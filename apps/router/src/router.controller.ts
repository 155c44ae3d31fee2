import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumerKey } from '#contracts';
import { readAcceptedPackageMeta, type BusMessage } from '#bus';
import { RoutingService } from '#routing';

@Controller()
export class RouterController {
  constructor(@Inject(RoutingService) private readonly routing: RoutingService) {}

  @EventPattern('router' satisfies ConsumerKey)
  async onAcceptedPackage(@Payload() msg: BusMessage): Promise<void> {
    await this.routing.route(readAcceptedPackageMeta(msg.headers), msg.data, { attempt: msg.deliveryCount });
  }
}
