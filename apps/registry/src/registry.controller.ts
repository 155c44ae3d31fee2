import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  REQUESTS,
  type AuthVerifyReply,
  type ImportRegistryReply,
  type ListAgenciesReply,
  type ResolveAgenciesReply,
  type UpsertSystemReply,
} from '#contracts';
import {
  AuthVerifyDto,
  ImportRegistryDto,
  ListAgenciesDto,
  PrincipalDto,
  RegistryService,
  ResolveAgenciesDto,
  UpsertSystemDto,
  validateInput,
} from '#registry';

/** NATS request/reply face of the registry; every payload is checked against its DTO (BAD_REQUEST + fields). */
@Controller()
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @MessagePattern(REQUESTS.registryResolve.subject)
  resolve(@Payload() payload: unknown): Promise<ResolveAgenciesReply> {
    return this.registry.resolve(validateInput(ResolveAgenciesDto, payload).organIds);
  }

  @MessagePattern(REQUESTS.registryList.subject)
  list(@Payload() payload: unknown): Promise<ListAgenciesReply> {
    return this.registry.list(validateInput(ListAgenciesDto, payload));
  }

  @MessagePattern(REQUESTS.registryAuthVerify.subject)
  verify(@Payload() payload: unknown): Promise<AuthVerifyReply> {
    return this.registry.verify(validateInput(AuthVerifyDto, payload));
  }

  @MessagePattern(REQUESTS.registryPrincipal.subject)
  principal(@Payload() payload: unknown): Promise<AuthVerifyReply> {
    return this.registry.principal(validateInput(PrincipalDto, payload).systemId);
  }

  @MessagePattern(REQUESTS.registryImport.subject)
  import(@Payload() payload: unknown): Promise<ImportRegistryReply> {
    const req = validateInput(ImportRegistryDto, payload);
    return this.registry.import(req.format, req.content);
  }

  @MessagePattern(REQUESTS.registrySystemUpsert.subject)
  upsertSystem(@Payload() payload: unknown): Promise<UpsertSystemReply> {
    return this.registry.upsertSystem(validateInput(UpsertSystemDto, payload));
  }
}
