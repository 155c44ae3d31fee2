import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '#exchange';

/** Paging fields shared by the list calls. */
export class PageDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: '`next` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;
}

export class MessageTypePageDto extends PageDto {
  @ApiPropertyOptional({ enum: ['edoc', 'status'], description: 'Both when absent' })
  @IsOptional()
  @IsIn(['edoc', 'status'])
  messagetype?: 'edoc' | 'status';

  @ApiPropertyOptional({ description: "One of the caller's agencies (all of them when absent)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  agency?: string;
}
