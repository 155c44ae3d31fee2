import { Controller, Get, Param, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DxError } from '#contracts';
import { Roles, RolesGuard, SystemAuthGuard } from '#auth';
import {
  Audited,
  DocumentRetrievalService,
  EvidenceService,
  type ArchivedDocumentView,
  type AttachmentInfo,
  type EvidenceReport,
} from '#archive';
import type { SdkOk } from '#sdk-client';
import { ok } from './sdk-answer.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function docIdOf(raw: string): string {
  if (!UUID.test(raw)) throw new DxError('BAD_REQUEST', `DocId ${JSON.stringify(raw)} is not a UUID`);
  return raw.toLowerCase();
}

/** Content-Disposition with the file name kept exactly (RFC 6266 / 5987) and an ASCII fallback. */
function disposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Archivists (read-only role): one archived document, its original bytes, its attachments and its evidence. */
@ApiTags('archive')
@ApiSecurity('dx1')
@Controller('archive/documents')
@UseGuards(SystemAuthGuard, RolesGuard)
@Roles('archivist')
export class ArchiveDocumentsController {
  constructor(
    private readonly retrieval: DocumentRetrievalService,
    private readonly evidence: EvidenceService,
  ) {}

  @Get(':docId')
  @Audited('view')
  @ApiOperation({
    summary: "An archived document's metadata and each recipient's delivery and status timeline",
  })
  @ApiOkResponse({
    description: '{status: OK, data: ArchivedDocumentView}; DOC_NOT_FOUND for an unknown DocId',
  })
  async document(@Param('docId') docId: string): Promise<SdkOk<ArchivedDocumentView>> {
    return ok({ data: await this.retrieval.document(docIdOf(docId)) });
  }

  @Get(':docId/original')
  @Audited('download')
  @ApiOperation({
    summary: 'The package exactly as the sender submitted it (streamed; x-dx-sha256 is the recorded hash)',
  })
  @ApiProduces('application/xml')
  async original(
    @Param('docId') docId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const original = await this.retrieval.openOriginal(docIdOf(docId));
    res.setHeader('x-dx-sha256', original.sha256);
    res.setHeader('x-content-type-options', 'nosniff');
    return new StreamableFile(original.stream, {
      type: 'application/xml',
      length: original.sizeBytes,
      disposition: disposition(`${original.docId}.edxml`),
    });
  }

  @Get(':docId/attachments')
  @Audited('view')
  @ApiOperation({
    summary: 'The attachments: name (from AttachmentName), type, size and SHA-256 of each decoded file',
  })
  @ApiOkResponse({ description: '{status: OK, data: [AttachmentInfo]} (numbered from 1)' })
  async attachments(@Param('docId') docId: string): Promise<SdkOk<AttachmentInfo[]>> {
    return ok({ data: await this.retrieval.attachments(docIdOf(docId)) });
  }

  @Get(':docId/attachments/:n')
  @Audited('download')
  @ApiOperation({
    summary:
      'Attachment n (from 1), base64-decoded and, when it is a one-entry zip, unwrapped (x-dx-sha256 of the file)',
  })
  @ApiProduces('application/octet-stream')
  async attachment(
    @Param('docId') docId: string,
    @Param('n') n: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    if (!/^[1-9]\d{0,5}$/.test(n))
      throw new DxError('BAD_REQUEST', `attachment number ${JSON.stringify(n)} is not 1, 2, …`);
    const { info, bytes } = await this.retrieval.attachment(docIdOf(docId), Number(n));
    res.setHeader('x-dx-sha256', info.sha256);
    res.setHeader('x-content-type-options', 'nosniff');
    return new StreamableFile(bytes, {
      type: info.contentType,
      length: bytes.length,
      disposition: disposition(info.fileName),
    });
  }

  @Get(':docId/evidence')
  @Audited('evidence')
  @ApiOperation({
    summary:
      'Evidence report: package hash (recorded and recomputed), package signature (at acceptance and now), the PDF ' +
      'signatures in the attachments, hop trace, delivery and status timeline, chain links',
  })
  @ApiOkResponse({ description: '{status: OK, data: EvidenceReport}' })
  async evidenceReport(@Param('docId') docId: string): Promise<SdkOk<EvidenceReport>> {
    return ok({ data: await this.evidence.report(docIdOf(docId)) });
  }
}
