import { join } from 'node:path';
import { CONFIG_ENV, DocaxisConfig } from '#config';
import { ensureDevSeal } from '#trust';

/**
 * The seal settings of a local axis's gateway: the operator's own (DOCAXIS_SEAL_*) when given, else a
 * development seal provisioned once in <stateDir>/seal. `trustFile` is the root to verify its receipts with.
 */
export function localSealEnv(
  env: NodeJS.ProcessEnv,
  stateDir: string,
): { env: NodeJS.ProcessEnv; trustFile?: string } {
  if (env[CONFIG_ENV.sealKey] || env[CONFIG_ENV.sealCert] || env[CONFIG_ENV.sealP12]) return { env: {} };
  const axis = env[CONFIG_ENV.axisOrganId] || new DocaxisConfig().axisOrganId;
  const files = ensureDevSeal(join(stateDir, 'seal'), axis);
  return {
    env: { [CONFIG_ENV.sealKey]: files.keyFile, [CONFIG_ENV.sealCert]: files.certFile },
    trustFile: files.caFile,
  };
}
