// What an archivist may ask of the archive search. Validated by the gateway's global pipe (unknown fields are
// refused); the messages name the field, so BAD_REQUEST answers are stable.
import 'reflect-metadata';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** Business status codes of QCVN 102 (see docs/domain), and `none`: no status reported yet. */
export const SEARCH_STATUSES = ['01', '02', '03', '04', '05', '06', '13', '15', '16', 'none'] as const;
export type SearchStatus = (typeof SEARCH_STATUSES)[number];
export const SEARCH_SORTS = ['acceptedAt', 'promulgationDate'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
export const SEARCH_ORDERS = ['asc', 'desc'] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];
export const PRIORITIES = ['0', '1', '2', '3', '4'] as const;
export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** yyyy-MM-dd; checked for a real calendar day by the service. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MESSAGE = (field: string) => `${field} must be a date yyyy-MM-dd`;

/** The filters (all optional, combined with AND) and the order of the results. */
export class SearchFilterDto {
  @ApiPropertyOptional({ description: 'Sending agency (From OrganId)', example: '000.00.00.G22' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ description: 'A recipient agency (OrganId) the document was delivered to' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;

  @ApiPropertyOptional({ description: 'The edXML DocumentId, exactly' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  documentId?: string;

  @ApiPropertyOptional({ description: 'Code number (số), exactly' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  codeNumber?: string;

  @ApiPropertyOptional({ description: 'Code notation (ký hiệu), exactly, e.g. VPCP-TTĐT' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  codeNotation?: string;

  @ApiPropertyOptional({ description: 'Promulgated on or after this day (yyyy-MM-dd)' })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE('promulgatedFrom') })
  promulgatedFrom?: string;

  @ApiPropertyOptional({ description: 'Promulgated on or before this day (yyyy-MM-dd)' })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE('promulgatedTo') })
  promulgatedTo?: string;

  @ApiPropertyOptional({ description: 'Accepted by the hub at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  acceptedFrom?: string;

  @ApiPropertyOptional({ description: 'Accepted by the hub before this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  acceptedTo?: string;

  @ApiPropertyOptional({ description: 'Document type name (TypeName), exactly, e.g. Công văn' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  typeName?: string;

  @ApiPropertyOptional({ enum: PRIORITIES, description: '0 normal … 4 flash with deadline' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: string;

  @ApiPropertyOptional({
    enum: SEARCH_STATUSES,
    description: 'Latest business status of a recipient (of `to` when given, else of any recipient)',
  })
  @IsOptional()
  @IsIn(SEARCH_STATUSES)
  status?: SearchStatus;

  @ApiPropertyOptional({
    description:
      'Words that must all occur in the subject or content; with or without Vietnamese diacritics, any case',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  text?: string;

  @ApiPropertyOptional({ enum: SEARCH_SORTS, default: 'acceptedAt' })
  @IsOptional()
  @IsIn(SEARCH_SORTS)
  sort?: SearchSort;

  @ApiPropertyOptional({ enum: SEARCH_ORDERS, default: 'desc' })
  @IsOptional()
  @IsIn(SEARCH_ORDERS)
  order?: SearchOrder;
}

/** POST /archive/search: one page; `next` in the answer is the cursor of the following page. */
export class SearchPageDto extends SearchFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page, with the same filters and sort' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Also answer `total`, the number of matches (costs a full count)' })
  @IsOptional()
  @IsBoolean()
  count?: boolean;
}

/** POST /archive/search/export: the whole result set, streamed. */
export class SearchExportDto extends SearchFilterDto {
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;
}
