import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DxError, type ConsumerKey } from '#contracts';
import { readAcceptedPackageMeta, type AcceptedPackageMeta, type BusMessage } from '#bus';
import { RoutingService } from '#routing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Controller()
export class RouterController {
  constructor(@Inject(RoutingService) private readonly routing: RoutingService) {}

  @EventPattern('router' satisfies ConsumerKey)
  async onAcceptedPackage(@Payload() msg: BusMessage): Promise<void> {
    await this.routing.route(acceptedMeta(msg), msg.data, { attempt: msg.deliveryCount });
  }
}

/** Headers the gateway did not set right cannot be fixed by a retry: dead-letter at once. */
function acceptedMeta(msg: BusMessage): AcceptedPackageMeta {
  let meta: AcceptedPackageMeta;
  try {
    meta = readAcceptedPackageMeta(msg.headers);
  } catch (e) {
    throw new DxError('BAD_REQUEST', `seq ${msg.streamSequence}: ${(e as Error).message}`, 400, false);
  }
  if (!UUID.test(meta.docId)) throw new DxError('BAD_REQUEST', `bad DocId ${meta.docId}`, 400, false);
  return meta;
}
