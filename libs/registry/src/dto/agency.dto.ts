import { IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CODE_2020_PATTERN, NOT_BLANK, ORGAN_ID_PATTERN, SYSTEM_ID_PATTERN } from './patterns.js';

const organIdMessage = (field: string) => ({
  message: `${field} must be a QCVN 102 OrganId (LLL.NN.NN.XNN), got "$value"`,
});

/** One agency as imported (CSV row or JSON item). null clears an optional field; absent keeps it. */
export class AgencyInputDto {
  @IsString()
  @Matches(ORGAN_ID_PATTERN, organIdMessage('organId'))
  organId: string;

  @IsOptional()
  @IsString()
  @Matches(CODE_2020_PATTERN, {
    message: 'code2020 must be a Decision 20/2020 code (1-35 of A-Z 0-9 .), got "$value"',
  })
  code2020?: string | null;

  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be empty' })
  @MaxLength(500)
  name: string;

  @IsOptional()
  @IsString()
  @Matches(ORGAN_ID_PATTERN, organIdMessage('parentOrganId'))
  parentOrganId?: string | null;

  @IsOptional()
  @IsString()
  @Matches(ORGAN_ID_PATTERN, organIdMessage('axisOrganId'))
  axisOrganId?: string | null;

  @IsOptional()
  @IsString()
  @Matches(SYSTEM_ID_PATTERN, { message: 'systemId must be 1-64 of A-Z a-z 0-9 . _ -, got "$value"' })
  systemId?: string | null;

  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address, got "$value"' })
  @MaxLength(254)
  email?: string | null;

  @IsOptional()
  @IsBoolean()
  deleted?: boolean | null;
}
