import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Post,
  Req,
  Res,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { encodeTrace } from '#contracts';
import { travelsAsObject } from '#bus';
import {
  Principal,
  Roles,
  RolesGuard,
  SystemAuthGuard,
  type AuthenticatedRequest,
  type SystemPrincipal,
} from '#auth';
import { AgenciesService, InboxService, ReceiptService, SentService, SubmissionService } from '#exchange';
import {
  EDOC_RESPONSE_HEADERS,
  SEND_HEADERS,
  type AgencyItem,
  type EdocContent,
  type ReceiptItem,
  type ReceivedItem,
  type SdkOk,
  type SendResult,
  type SentItem,
  type StatusUpdateResult,
} from '#sdk-client';
import { AgenciesListDto } from './dto/agencies-list.dto.js';
import { GetEdocDto } from './dto/get-edoc.dto.js';
import { GetReceiptsDto } from './dto/get-receipts.dto.js';
import { ReceivedListDto } from './dto/received-list.dto.js';
import { SendEdocHeadersDto } from './dto/send-edoc-headers.dto.js';
import { SentListDto } from './dto/sent-list.dto.js';
import { UpdateStatusDto } from './dto/update-status.dto.js';
import { ok } from './sdk-answer.js';
import { streamedEdocAnswer } from './base64-answer.js';
import { validateDto } from './validation.js';

const headerValue = (v: string | string[] | undefined): string | undefined =>
  Array.isArray(v) ? v.join(',') : v;

/** The national axis SDK's calls, for agency document systems. Every call is signed (DX1, see /docs). */
@ApiTags('sdk')
@ApiSecurity('dx1')
@ApiHeader({ name: 'x-dx-system', required: true, description: 'Connected system id' })
@ApiHeader({ name: 'x-dx-timestamp', required: true, description: 'Unix time in seconds' })
@ApiHeader({
  name: 'x-dx-nonce',
  required: true,
  description: '16-64 characters of [A-Za-z0-9_-], fresh for every request (a reused one is AUTH_REPLAYED)',
})
@ApiHeader({
  name: 'x-dx-signature',
  required: true,
  description: 'Hex HMAC-SHA256 of the DX1 string to sign',
})
@Controller()
@UseGuards(SystemAuthGuard, RolesGuard)
@Roles('system')
export class SdkController {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly inbox: InboxService,
    private readonly sent: SentService,
    private readonly agencies: AgenciesService,
    private readonly receipts: ReceiptService,
  ) {}

  @Post('sendEdoc')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit an edXML package (document or status); answers its hub DocId' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'The edXML package bytes' })
  @ApiHeader({ name: SEND_HEADERS.from, required: true, description: 'Sending agency OrganId' })
  @ApiHeader({ name: SEND_HEADERS.to, required: false, description: 'JSON array of recipient OrganIds' })
  @ApiHeader({ name: SEND_HEADERS.serviceType, required: false, description: 'eDoc' })
  @ApiHeader({ name: SEND_HEADERS.messageType, required: true, description: 'edoc or status' })
  @ApiHeader({ name: SEND_HEADERS.hashFile, required: true, description: 'SHA-256 hex of the body' })
  @ApiHeader({
    name: SEND_HEADERS.trace,
    required: false,
    description: 'Hops so far, from a forwarding axis: percent-encoded JSON [{OrganId, Timestamp}]',
  })
  @ApiOkResponse({
    description:
      '{status: OK, ErrorCode: "0", ErrorDesc: "", DocId, data: {docId, duplicate, receipt?}}; receipt is a JWS ' +
      '(typ dx-receipt+jws) signed with the hub seal attesting the package SHA-256, DocId and time (the ' +
      'original one for a repeated send; absent when the hub has no seal)',
  })
  async sendEdoc(
    @Principal() caller: SystemPrincipal,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Req() req: AuthenticatedRequest,
  ): Promise<SdkOk<SendResult>> {
    const h = validateDto(SendEdocHeadersDto, {
      from: headerValue(headers[SEND_HEADERS.from]),
      to: headerValue(headers[SEND_HEADERS.to]),
      servicetype: headerValue(headers[SEND_HEADERS.serviceType]),
      messagetype: headerValue(headers[SEND_HEADERS.messageType]),
      hashFile: headerValue(headers[SEND_HEADERS.hashFile]),
      trace: headerValue(headers[SEND_HEADERS.trace]),
    });
    // A large body was left unread by PackageBodyMiddleware: it streams into the object store from here.
    const result = req.bodySha256
      ? await this.submissions.submitStreamed({
          ...caller,
          headers: h,
          body: req,
          declaredBytes: Number(req.headers['content-length'] ?? NaN) || undefined,
        })
      : await this.submissions.submit({ ...caller, headers: h, body: req.body as Buffer });
    return ok({ DocId: result.docId, data: result });
  }

  @Post('getReceivedEdocList')
  @HttpCode(200)
  @ApiOperation({ summary: "The caller's inbox: packages not yet acknowledged done or fail, oldest first" })
  @ApiOkResponse({
    description: '{status: OK, data: [{id, from, to, serviceType, messageType, status, ...}], next?}',
  })
  async getReceivedEdocList(
    @Principal() caller: SystemPrincipal,
    @Body() dto: ReceivedListDto,
  ): Promise<SdkOk<ReceivedItem[]>> {
    const page = await this.inbox.receivedList({ ...caller, ...dto });
    return ok({ data: page.items, next: page.next });
  }

  @Post('getEdoc')
  @HttpCode(200)
  @ApiOperation({
    summary: 'One package the caller sent or received, byte-identical (base64, or raw bytes), with its hops',
  })
  @ApiProduces('application/json', 'application/octet-stream')
  @ApiOkResponse({
    description:
      '{status: OK, data: {docId, content: base64, sha256, trace, view}}, or the bytes with x-dx-doc-id, ' +
      'x-dx-sha256, x-dx-trace and x-dx-view headers',
  })
  async getEdoc(
    @Principal() caller: SystemPrincipal,
    @Body() dto: GetEdocDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SdkOk<EdocContent> | StreamableFile> {
    if (req.accepts(['application/json', 'application/octet-stream']) === 'application/octet-stream') {
      // Streamed: a large package is sent a chunk at a time, never held whole in memory.
      const raw = await this.inbox.streamEdoc({ ...caller, docId: dto.docId, view: dto.view });
      res.setHeader(EDOC_RESPONSE_HEADERS.docId, raw.docId);
      res.setHeader(EDOC_RESPONSE_HEADERS.sha256, raw.sha256);
      res.setHeader(EDOC_RESPONSE_HEADERS.trace, encodeTrace(raw.trace));
      res.setHeader(EDOC_RESPONSE_HEADERS.view, raw.view);
      return new StreamableFile(raw.stream, {
        type: 'application/octet-stream',
        length: raw.sizeBytes,
      });
    }
    if (dto.view !== 'traced') {
      // A large original in the SDK's JSON shape: written as it is read (base64 a chunk at a time).
      const raw = await this.inbox.streamEdoc({ ...caller, docId: dto.docId, view: dto.view });
      const meta = { docId: raw.docId, sha256: raw.sha256, trace: raw.trace, view: raw.view };
      if (travelsAsObject(raw.sizeBytes)) {
        return new StreamableFile(streamedEdocAnswer(meta, raw.stream), { type: 'application/json' });
      }
      const parts: Buffer[] = [];
      for await (const chunk of raw.stream) parts.push(chunk as Buffer);
      const { docId, sha256, trace, view } = meta;
      return ok({ data: { docId, content: Buffer.concat(parts).toString('base64'), sha256, trace, view } });
    }
    const pkg = await this.inbox.getEdoc({ ...caller, docId: dto.docId, view: dto.view });
    return ok({
      data: {
        docId: pkg.docId,
        content: pkg.content.toString('base64'),
        sha256: pkg.sha256,
        trace: pkg.trace,
        view: pkg.view,
      },
    });
  }

  @Post('updateStatus')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge a received package: processing, done (final) or fail' })
  @ApiOkResponse({
    description:
      '{status: OK, data: [{docId, agency, status, updated_time, receipt?}]}; receipt: the acknowledgement ' +
      'receipt (JWS signed with the hub seal), the first one for a repeated status',
  })
  async updateStatus(
    @Principal() caller: SystemPrincipal,
    @Body() dto: UpdateStatusDto,
  ): Promise<SdkOk<StatusUpdateResult[]>> {
    return ok({ data: await this.inbox.updateStatus({ ...caller, ...dto }) });
  }

  @Post('getSentEdocList')
  @HttpCode(200)
  @ApiOperation({ summary: 'What happened to what the caller sent, per recipient, newest first' })
  @ApiOkResponse({ description: '{status: OK, data: [{id, documentId, recipients: [...]}], next?}' })
  async getSentEdocList(
    @Principal() caller: SystemPrincipal,
    @Body() dto: SentListDto,
  ): Promise<SdkOk<SentItem[]>> {
    const page = await this.sent.sentList({ ...caller, ...dto });
    return ok({ data: page.items, next: page.next });
  }

  @Post('getReceipts')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Receipts of a DocId: all of them for its sender, the submission receipt and the caller's own " +
      'acknowledgements for a recipient',
  })
  @ApiOkResponse({
    description:
      '{status: OK, data: [{receiptId, kind: submission|acknowledgement, agency?, ackStatus?, created_time, ' +
      'receipt: JWS}]}; DOC_NOT_FOUND when the caller neither sent nor received the DocId',
  })
  async getReceipts(
    @Principal() caller: SystemPrincipal,
    @Body() dto: GetReceiptsDto,
  ): Promise<SdkOk<ReceiptItem[]>> {
    return ok({ data: await this.receipts.receiptsFor({ ...caller, ...dto }) });
  }

  @Post('getAgenciesList')
  @HttpCode(200)
  @Roles('system', 'archivist')
  @ApiOperation({ summary: 'The agency directory by OrganId (incremental with sinceVersion)' })
  @ApiOkResponse({ description: '{status: OK, data: [{organId, name, ...}], next?, version}' })
  async getAgenciesList(@Body() dto: AgenciesListDto): Promise<SdkOk<AgencyItem[]>> {
    const page = await this.agencies.agenciesList(dto);
    return ok({ data: page.agencies, next: page.next, version: page.version });
  }

  @Post('getSynchronizeUnit')
  @HttpCode(200)
  @Roles('system', 'archivist')
  @ApiOperation({ summary: 'Registry changes after sinceVersion (0: everything), deletions included' })
  @ApiOkResponse({
    description: '{status: OK, data: [{organId, name, deleted, version, ...}], next?, version}',
  })
  async getSynchronizeUnit(@Body() dto: AgenciesListDto): Promise<SdkOk<AgencyItem[]>> {
    // The national SDK's name for the incremental directory sync; one implementation serves both calls.
    return this.getAgenciesList({ ...dto, sinceVersion: dto.sinceVersion ?? 0 });
  }
}
