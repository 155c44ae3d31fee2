import { Module } from '@nestjs/common';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';
import { StatsRepository } from '../stats/stats.repository.js';
import { StatsService } from '../stats/stats.service.js';

/** Archivists' search, export and statistics over the archive; needs StoreModule.forRoot (global). */
@Module({
  providers: [SearchRepository, SearchService, StatsRepository, StatsService],
  exports: [SearchService, StatsService],
})
export class ArchiveSearchModule {}
