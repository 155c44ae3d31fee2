import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  validateSync,
} from 'class-validator';
import { DxError, type DeliveryEvent } from '#contracts';

const MESSAGE_TYPES = ['edoc', 'status'] as const;
const EVENTS = [
  'recorded',
  'failed',
  'processing',
  'done',
  'fail',
  'status',
  'outbound',
  'forwarded',
  'expired',
] as const satisfies readonly DeliveryEvent['event'][];
// Compile-time check that every event of the contract is accepted: an event missing here would be dead-lettered.
const _everyEvent: Exclude<DeliveryEvent['event'], (typeof EVENTS)[number]> extends never ? true : never =
  true;

/** A DeliveryEvent as it arrives on the events stream; checked before it reaches the history table. */
export class DeliveryEventDto implements DeliveryEvent {
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  eventId: string;

  @IsUUID()
  docId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  recipient: string;

  @IsIn(MESSAGE_TYPES)
  messageType: DeliveryEvent['messageType'];

  @IsIn(EVENTS)
  event: DeliveryEvent['event'];

  @IsOptional()
  @IsString()
  @MaxLength(10)
  statusCode?: string;

  @IsOptional()
  @IsString()
  reason?: string;

  @IsISO8601({ strict: true })
  at: string;
}

const decoder = new TextDecoder();

/** Parses and validates an event; a malformed one is a permanent error (dead-lettered, never retried). */
export function parseDeliveryEvent(data: Uint8Array): DeliveryEventDto {
  let plain: unknown;
  try {
    plain = JSON.parse(decoder.decode(data));
  } catch (e) {
    throw new DxError('BAD_REQUEST', `delivery event is not JSON: ${(e as Error).message}`, 400, false);
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new DxError('BAD_REQUEST', 'delivery event is not a JSON object', 400, false);
  }
  const dto = plainToInstance(DeliveryEventDto, plain);
  // Unknown fields are dropped, not refused: a newer publisher must not send history to the dead-letter stream.
  const problems = validateSync(dto, { whitelist: true }).flatMap((e) => Object.values(e.constraints ?? {}));
  if (problems.length) {
    throw new DxError('BAD_REQUEST', `invalid delivery event: ${problems.join('; ')}`, 400, false);
  }
  return dto;
}
