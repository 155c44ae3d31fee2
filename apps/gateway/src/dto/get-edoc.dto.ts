import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { EDOC_VIEWS, type EdocView } from '#sdk-client';

/** POST /getEdoc */
export class GetEdocDto {
  @ApiProperty({ description: 'Hub DocId (from sendEdoc or the inbox)', format: 'uuid' })
  @IsUUID()
  docId: string;

  @ApiPropertyOptional({
    enum: EDOC_VIEWS,
    default: 'original',
    description:
      'original: the bytes as the sender signed them. traced: a rebuilt copy whose TraceHeaderList ends with ' +
      'the hops (NOT the signed original; a status package is always served as original)',
  })
  @IsOptional()
  @IsIn(EDOC_VIEWS)
  view?: EdocView;
}
