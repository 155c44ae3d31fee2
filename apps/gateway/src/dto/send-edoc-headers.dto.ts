import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The SDK headers of POST /sendEdoc, picked from the request. Only their shape is checked here; what they must
 * say (hash-file present and right, from allowed, ...) is the exchange's to check, with its own error codes.
 */
export class SendEdocHeadersDto {
  @ApiPropertyOptional({ description: "Sending agency OrganId (one of the calling system's agencies)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ description: 'Recipients hint: JSON array of OrganIds (or a comma-separated list)' })
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  to?: string;

  @ApiPropertyOptional({ example: 'eDoc' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  servicetype?: string;

  @ApiPropertyOptional({ enum: ['edoc', 'status'] })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  messagetype?: string;

  @ApiPropertyOptional({ description: 'SHA-256 hex of the body (header hash-file)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  hashFile?: string;

  @ApiPropertyOptional({
    description:
      'x-dx-trace: hops so far, sent by a forwarding axis (percent-encoded JSON [{OrganId, Timestamp}])',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16_384)
  trace?: string;
}
