import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DxError } from '#contracts';

/** class-validator's messages, which start with the field name (nested ones prefixed with their parent). */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...describeValidationErrors(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);
}

const badRequest = (errors: ValidationError[]): DxError =>
  new DxError('BAD_REQUEST', describeValidationErrors(errors).join('; ') || 'invalid request');

/** JSON bodies: unknown fields are refused, values are converted to the DTO's types. */
export const sdkValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: badRequest,
  });

/** Validates a plain object (e.g. picked headers) against a DTO; BAD_REQUEST naming the fields. */
export function validateDto<T extends object>(cls: new () => T, plain: object): T {
  const dto = plainToInstance(cls, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw badRequest(errors);
  return dto;
}
