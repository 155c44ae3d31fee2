import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** POST /getEdoc */
export class GetEdocDto {
  @ApiProperty({ description: 'Hub DocId (from sendEdoc or the inbox)', format: 'uuid' })
  @IsUUID()
  docId: string;
}
