import { Body, Controller, HttpCode, Post, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import type { Response } from 'express';
import { Roles, RolesGuard, SystemAuthGuard } from '#auth';
import {
  Audited,
  formatSearchResults,
  SearchExportDto,
  SearchPageDto,
  SearchService,
  StatsQueryDto,
  StatsService,
  statsCsv,
  type SearchItem,
  type StatsReport,
} from '#archive';
import type { SdkOk } from '#sdk-client';
import { ok } from './sdk-answer.js';

/** Archivists (read-only role): search the archive, export a result set, statistics. Every call is audited. */
@ApiTags('archive')
@ApiSecurity('dx1')
@Controller('archive')
@UseGuards(SystemAuthGuard, RolesGuard)
@Roles('archivist')
export class ArchiveSearchController {
  constructor(
    private readonly searchService: SearchService,
    private readonly stats: StatsService,
  ) {}

  @Post('search')
  @HttpCode(200)
  @Audited('search')
  @ApiOperation({ summary: 'Archived documents matching every given filter, one keyset page at a time' })
  @ApiOkResponse({
    description:
      '{status: OK, data: [SearchItem], next?: cursor of the next page, total?: matches (with count)}',
  })
  async search(@Body() dto: SearchPageDto): Promise<SdkOk<SearchItem[]> & { total?: number }> {
    const page = await this.searchService.search(dto);
    const answer = ok({ data: page.items, ...(page.next ? { next: page.next } : {}) });
    return page.total !== undefined ? { ...answer, total: page.total } : answer;
  }

  @Post('search/export')
  @HttpCode(200)
  @Audited('export')
  @ApiOperation({ summary: 'The whole result set of a search as CSV or a JSON array, streamed' })
  @ApiProduces('text/csv', 'application/json')
  async export(
    @Body() dto: SearchExportDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    // Validation errors surface here, before the first byte is sent.
    const items = await this.searchService.exportAll(dto);
    const csv = dto.format === 'csv';
    res.setHeader('x-content-type-options', 'nosniff');
    return new StreamableFile(Readable.from(formatSearchResults(items, dto.format)), {
      type: csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      disposition: `attachment; filename="archive-search.${csv ? 'csv' : 'json'}"`,
    });
  }

  @Post('stats')
  @HttpCode(200)
  @Audited('stats')
  @ApiOperation({
    summary: 'Per agency and period: sent, received, statuses, same-day receipts, completed, overdue',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '{status: OK, data: StatsReport}, or CSV with format: csv' })
  async statistics(
    @Body() dto: StatsQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SdkOk<StatsReport> | string> {
    const report = await this.stats.report(dto);
    if (dto.format === 'csv') {
      res.type('text/csv; charset=utf-8');
      return statsCsv(report);
    }
    return ok({ data: report });
  }
}
