import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { TRANSPORT_STATUSES, type TransportStatus } from '#exchange';

/** POST /updateStatus: transport acknowledgement (the business status travels as a status package). */
export class UpdateStatusDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  docId: string;

  @ApiProperty({
    enum: TRANSPORT_STATUSES,
    description: 'done is final; fail takes the package out of the inbox',
  })
  @IsIn(TRANSPORT_STATUSES)
  status: TransportStatus;

  @ApiPropertyOptional({ description: "Which of the caller's agencies acknowledges (all when absent)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  agency?: string;
}
