import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { requestObject } from '#bus';
import { DxError, MESSAGE_TYPES, type MessageType } from '#contracts';

/** dx.axis.<code>.inbox */
export class AxisLinkInboxDto {
  @IsIn(MESSAGE_TYPES)
  messageType: MessageType;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** dx.axis.<code>.fetch */
export class AxisLinkFetchDto {
  @IsUUID()
  id: string;
}

/** dx.axis.<code>.ack */
export class AxisLinkAckDto {
  @IsUUID()
  id: string;

  @IsIn(['done', 'fail'])
  status: 'done' | 'fail';
}

/** dx.axis.<code>.agencies */
export class AxisLinkAgenciesDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  sinceVersion?: number;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

/** A JSON request body checked against its DTO; BAD_REQUEST naming the fields at fault. */
export function parseLinkRequest<T extends object>(cls: new () => T, data: Uint8Array): T {
  const dto = plainToInstance(cls, requestObject(data));
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const text = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
    throw new DxError('BAD_REQUEST', text || 'invalid request');
  }
  return dto;
}
