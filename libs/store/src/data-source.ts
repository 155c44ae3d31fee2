import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { RegistrySystemEntity } from './entities/registry-system.entity.js';
import { RegistryAgencyEntity } from './entities/registry-agency.entity.js';
import { SubmissionEntity } from './entities/submission.entity.js';
import { DeliveryEntity } from './entities/delivery.entity.js';
import { ArchivedPackageEntity } from './entities/archived-package.entity.js';
import { DeliveryHistoryEntity } from './entities/delivery-history.entity.js';
import { ReceiptEntity } from './entities/receipt.entity.js';
import { ArchiveBlobEntity } from './entities/archive-blob.entity.js';
import { ArchiveBlobChunkEntity } from './entities/archive-blob-chunk.entity.js';
import { InitialSchema1732300000000 } from './migrations/1732300000000-initial-schema.js';
import { MultiAxis1732400000000 } from './migrations/1732400000000-multi-axis.js';
import { ForwardedExpiry1732500000000 } from './migrations/1732500000000-forwarded-expiry.js';
import { AuthNonce1732600000000 } from './migrations/1732600000000-auth-nonce.js';
import { SystemRoles1732700000000 } from './migrations/1732700000000-system-roles.js';
import { Receipts1732800000000 } from './migrations/1732800000000-receipts.js';
import { PackageSignatures1732900000000 } from './migrations/1732900000000-package-signatures.js';
import { ArchiveChain1733000000000 } from './migrations/1733000000000-archive-chain.js';
import { ArchiveSearch1733100000000 } from './migrations/1733100000000-archive-search.js';
import { ArchiveBlobs1733300000000 } from './migrations/1733300000000-archive-blobs.js';

export const ENTITIES = [
  RegistrySystemEntity,
  RegistryAgencyEntity,
  SubmissionEntity,
  DeliveryEntity,
  ArchivedPackageEntity,
  DeliveryHistoryEntity,
  ReceiptEntity,
  ArchiveBlobEntity,
  ArchiveBlobChunkEntity,
];
export const MIGRATIONS = [
  InitialSchema1732300000000,
  MultiAxis1732400000000,
  ForwardedExpiry1732500000000,
  AuthNonce1732600000000,
  SystemRoles1732700000000,
  Receipts1732800000000,
  PackageSignatures1732900000000,
  ArchiveChain1733000000000,
  ArchiveSearch1733100000000,
  ArchiveBlobs1733300000000,
];

/** The hub's schema is managed by migrations only; `synchronize` stays off everywhere. */
export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'docaxis_migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize },
  });
}

/** Applies pending migrations (used by `docaxis migrate`, `docaxis up` and the tests). */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource(url, 1);
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
