import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const STATS_PERIODS = ['day', 'month', 'year'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];
export const STATS_FORMATS = ['json', 'csv'] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** POST /archive/stats. Days are calendar days in Vietnam time (UTC+7), both ends included. */
export class StatsQueryDto {
  @ApiPropertyOptional({ description: 'One agency (OrganId); every agency when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  agency?: string;

  @ApiProperty({ description: 'First day (yyyy-MM-dd) of documents accepted by the hub' })
  @Matches(DAY, { message: 'from must be a date yyyy-MM-dd' })
  from!: string;

  @ApiProperty({ description: 'Last day (yyyy-MM-dd), included' })
  @Matches(DAY, { message: 'to must be a date yyyy-MM-dd' })
  to!: string;

  @ApiPropertyOptional({ enum: STATS_PERIODS, default: 'month' })
  @IsOptional()
  @IsIn(STATS_PERIODS)
  by?: StatsPeriod;

  @ApiPropertyOptional({
    description: 'Day against which DueDate is overdue (yyyy-MM-dd); today when absent',
  })
  @IsOptional()
  @Matches(DAY, { message: 'asOf must be a date yyyy-MM-dd' })
  asOf?: string;

  @ApiPropertyOptional({ enum: STATS_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(STATS_FORMATS)
  format?: (typeof STATS_FORMATS)[number];
}
