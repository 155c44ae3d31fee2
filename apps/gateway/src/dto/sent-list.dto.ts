import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { MessageTypePageDto } from './list-request.dto.js';

/** POST /getSentEdocList */
export class SentListDto extends MessageTypePageDto {
  @ApiPropertyOptional({ description: 'Only this DocId', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  docId?: string;
}
