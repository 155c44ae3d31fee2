import { Controller, Get, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Roles, RolesGuard, SystemAuthGuard } from '#auth';
import { Audited, ExportService, type ExportBundle } from '#archive';
import type { SdkOk } from '#sdk-client';
import { ok } from './sdk-answer.js';

/** Archivists: a proof-carrying export of one archived original, checkable offline (`docaxis verify-export`). */
@ApiTags('archive')
@ApiSecurity('dx1')
@Controller('archive')
@UseGuards(SystemAuthGuard, RolesGuard)
@Roles('archivist')
export class ArchiveExportController {
  constructor(private readonly exports: ExportService) {}

  @Get('documents/:docId/export')
  @Audited('export')
  @ApiOperation({
    summary:
      'The original bytes with their chain record, the chain to the next signed checkpoint and the checkpoint',
  })
  @ApiOkResponse({
    description: '{status: OK, data: the export bundle (format docaxis-archive-export, v 1)}',
  })
  async export(@Param('docId', new ParseUUIDPipe()) docId: string): Promise<SdkOk<ExportBundle>> {
    return ok({ data: await this.exports.export(docId) });
  }
}
