import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import type {
  AuthVerifyRequest,
  ImportRegistryRequest,
  ListAgenciesRequest,
  PrincipalRequest,
  ResolveAgenciesRequest,
} from '#contracts';
import { SYSTEM_ID_PATTERN } from './patterns.js';
import { SystemInputDto } from './system.dto.js';

export const MAX_RESOLVE = 100_000;
export const MAX_LIST_LIMIT = 5000;
export const DEFAULT_LIST_LIMIT = 1000;

export class ResolveAgenciesDto implements ResolveAgenciesRequest {
  // Malformed ids are not an error here: they come back in `unknown`, like any unregistered id.
  @IsArray()
  @ArrayMaxSize(MAX_RESOLVE)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  organIds: string[];
}

export class ListAgenciesDto implements ListAgenciesRequest {
  @IsOptional()
  @IsString()
  @Matches(SYSTEM_ID_PATTERN, { message: 'systemId must be 1-64 of A-Z a-z 0-9 . _ -' })
  systemId?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  sinceVersion?: number;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit?: number;
}

export class AuthVerifyDto implements AuthVerifyRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  systemId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(16_384)
  stringToSign: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  signature: string;
}

export class PrincipalDto implements PrincipalRequest {
  @IsString()
  @Matches(SYSTEM_ID_PATTERN, { message: 'systemId must be 1-64 of A-Z a-z 0-9 . _ -' })
  systemId: string;
}

export class ImportRegistryDto implements ImportRegistryRequest {
  @IsIn(['csv', 'json'])
  format: 'csv' | 'json';

  @IsString()
  content: string;
}

export class UpsertSystemDto extends SystemInputDto {}
