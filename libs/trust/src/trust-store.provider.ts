import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { TrustStore } from '#pki';

/**
 * The configured trust files (anchors, intermediates, CRLs), reloaded when one of them changes so that a new CRL
 * takes effect without a restart. A reload that fails keeps the previous store (and says why): a half-written
 * CRL must not turn every signature invalid, nor silently drop revocations.
 */
export class TrustStoreProvider {
  private readonly logger = new Logger('TrustStore');
  private store?: TrustStore;
  private stamp = '';
  private checkedAt = 0;

  constructor(
    private readonly paths: string[],
    private readonly opts: { requireCrl?: boolean; recheckMs?: number } = {},
  ) {}

  /** The store, or undefined when no trust files are configured. */
  current(now = Date.now()): TrustStore | undefined {
    if (!this.paths.length) return undefined;
    if (this.store && now - this.checkedAt < (this.opts.recheckMs ?? 30_000)) return this.store;
    this.checkedAt = now;
    const stamp = this.paths.map(fileStamp).join('|');
    if (this.store && stamp === this.stamp) return this.store;
    try {
      this.store = TrustStore.fromFiles(this.paths, { requireCrl: this.opts.requireCrl });
      this.stamp = stamp;
    } catch (e) {
      if (!this.store) throw e;
      this.logger.error(
        `trust files changed but could not be loaded; keeping the previous ones: ${String(e)}`,
      );
    }
    return this.store;
  }
}

/** Size and mtime of a file, or of every file under a directory (CRLs are usually dropped into one). */
function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    if (!st.isDirectory()) return `${path}:${st.size}:${st.mtimeMs}`;
    return readdirSync(path)
      .sort()
      .map((name) => fileStamp(join(path, name)))
      .join('|');
  } catch {
    return `${path}:missing`;
  }
}
