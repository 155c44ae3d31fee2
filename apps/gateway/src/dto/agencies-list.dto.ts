import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';
import { PageDto } from './list-request.dto.js';

/** POST /getAgenciesList: the directory by OrganId; `after` is the last OrganId of the previous page. */
export class AgenciesListDto extends PageDto {
  @ApiPropertyOptional({ description: 'Only agencies changed after this registry version' })
  @IsOptional()
  @IsInt()
  @Min(0)
  sinceVersion?: number;
}
