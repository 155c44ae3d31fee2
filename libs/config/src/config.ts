import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';

/** Every setting a docaxis process reads from its environment, validated at start-up so a typo fails fast. */
export class DocaxisConfig {
  /** NATS server the services share. */
  @IsString()
  natsUrl = 'nats://127.0.0.1:4222';

  /**
   * This process's NATS user and password (least-privilege, see proto/ principals); the local stack sets them
   * per service. Empty: connect without credentials (a server without users).
   */
  @IsOptional()
  @IsString()
  natsUser?: string;

  @IsOptional()
  @IsString()
  natsPassword?: string;

  /** Postgres connection string. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  databaseUrl = 'postgres://postgres@127.0.0.1:5432/docaxis';

  /** OrganId of this axis (appears in TraceHeaders). */
  @IsString()
  axisOrganId = '000.00.00.H41';

  @IsIn(['provincial', 'national'])
  axisRole: 'provincial' | 'national' = 'provincial';

  @IsString()
  gatewayHost = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  gatewayPort = 8080;

  /** 32-byte hex key that encrypts system secrets at rest (AES-256-GCM); only the registry needs it. */
  @ValidateIf((o: DocaxisConfig) => o.masterKey !== '')
  @IsString()
  @Matches(/^[0-9a-f]{64}$/i, { message: 'DOCAXIS_MASTER_KEY must be 64 hex characters' })
  masterKey = '';

  /**
   * Largest package accepted. Packages above the object threshold (proto/ objectStores.packages, 1 MiB) are streamed
   * through the JetStream object store, so NATS max_payload does not bound this; a body sent without a
   * Content-Length is buffered and accepted up to 60 MiB at most.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  maxPackageBytes = 256 * 1024 * 1024;

  /** Allowed clock skew for signed requests. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  authWindowSeconds = 300;

  @IsOptional()
  @IsString()
  registrySeedFile?: string;

  /** Provincial axes: the parent (national) axis's gateway URL; empty on the national axis. */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'DOCAXIS_PARENT_URL must be an http(s) URL' })
  parentUrl?: string;

  /** This axis's credentials as a connected system of the parent axis (SDK-HTTP connector driver). */
  @IsOptional()
  @IsString()
  parentSystemId?: string;

  @IsOptional()
  @IsString()
  parentSecret?: string;

  /** OrganId of the parent axis (its TraceHeader hop and the origin of what it delivers). */
  @IsOptional()
  @IsString()
  parentOrganId?: string;

  @IsIn(['sdk-http', 'nats'])
  connectorDriver: 'sdk-http' | 'nats' = 'sdk-http';

  /** A package not delivered within this time ends in the explicit `expired` state, reported to the sender. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  packageLifetimeSeconds = 24 * 3600;

  /** How often the connector asks the parent axis for packages and registry changes. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  connectorPollMs = 1000;

  /** HTTPS for the gateway: PEM certificate (chain allowed) and private key file paths; plain HTTP without. */
  @IsOptional()
  @IsString()
  gatewayTlsCert?: string;

  @IsOptional()
  @IsString()
  gatewayTlsKey?: string;

  /** PEM trust anchors of the systems' client certificates (mTLS), and optionally a PEM CRL file. */
  @IsOptional()
  @IsString()
  gatewayTlsClientCa?: string;

  @IsOptional()
  @IsString()
  gatewayTlsCrl?: string;

  /** off | optional | required; default optional when a client CA is set, else off. */
  @IsOptional()
  @IsIn(['off', 'optional', 'required'])
  gatewayMtls?: 'off' | 'optional' | 'required';

  /** The hub's seal, which signs receipts: PEM private key and PEM certificate (chain allowed) file paths... */
  @IsOptional()
  @IsString()
  sealKey?: string;

  @IsOptional()
  @IsString()
  sealCert?: string;

  /** ...or one PKCS#12 file and its password. Without a seal the gateway answers without receipts. */
  @IsOptional()
  @IsString()
  sealP12?: string;

  @IsOptional()
  @IsString()
  sealP12Password?: string;

  /**
   * Package signatures on entering this axis: required | if-present | report | off. The default, report, refuses
   * nothing (today's real packages carry placeholder signatures) but checks and records every package's verdict;
   * a connected system's own policy (registry) overrides it for what that system sends.
   */
  @IsIn(['required', 'if-present', 'report', 'off'])
  signaturePolicy: 'required' | 'if-present' | 'report' | 'off' = 'report';

  /** Comma-separated PEM files or directories: trust anchors (root CAs), intermediates and CRLs. */
  @IsOptional()
  @IsString()
  trustAnchors?: string;

  /** Accept rsa-sha1 / sha1 signatures (the SDK samples use them); off by default. */
  @IsIn(['true', 'false'])
  signatureAllowSha1: 'true' | 'false' = 'false';

  /** Refuse (CRL_INVALID) when an issuer's CRL is missing or past its nextUpdate, instead of trusting. */
  @IsIn(['true', 'false'])
  trustRequireCrl: 'true' | 'false' = 'false';

  /** The archive signs a checkpoint of its hash chain after this many new records... */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  archiveCheckpointEvery = 1000;

  /** ...or this many seconds after the last checkpoint, when there are new records. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  archiveCheckpointSeconds = 300;

  /** Retention of document types without a policy, in years; 0 keeps them forever. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  retentionDefaultYears = 0;

  /** Archived packages larger than this are kept apart from their row, content-addressed and in 1 MiB chunks. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  archiveBlobThresholdBytes = 1024 * 1024;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

const ENV: Record<keyof DocaxisConfig, string> = {
  natsUrl: 'NATS_URL',
  natsUser: 'DOCAXIS_NATS_USER',
  natsPassword: 'DOCAXIS_NATS_PASSWORD',
  databaseUrl: 'DATABASE_URL',
  axisOrganId: 'DOCAXIS_AXIS_ORGAN_ID',
  axisRole: 'DOCAXIS_AXIS_ROLE',
  gatewayHost: 'DOCAXIS_GATEWAY_HOST',
  gatewayPort: 'DOCAXIS_GATEWAY_PORT',
  masterKey: 'DOCAXIS_MASTER_KEY',
  maxPackageBytes: 'DOCAXIS_MAX_PACKAGE_BYTES',
  authWindowSeconds: 'DOCAXIS_AUTH_WINDOW_SECONDS',
  registrySeedFile: 'DOCAXIS_REGISTRY_SEED',
  parentUrl: 'DOCAXIS_PARENT_URL',
  parentSystemId: 'DOCAXIS_PARENT_SYSTEM_ID',
  parentSecret: 'DOCAXIS_PARENT_SECRET',
  parentOrganId: 'DOCAXIS_PARENT_ORGAN_ID',
  connectorDriver: 'DOCAXIS_CONNECTOR_DRIVER',
  packageLifetimeSeconds: 'DOCAXIS_PACKAGE_LIFETIME_SECONDS',
  connectorPollMs: 'DOCAXIS_CONNECTOR_POLL_MS',
  gatewayTlsCert: 'DOCAXIS_GATEWAY_TLS_CERT',
  gatewayTlsKey: 'DOCAXIS_GATEWAY_TLS_KEY',
  gatewayTlsClientCa: 'DOCAXIS_GATEWAY_TLS_CLIENT_CA',
  gatewayTlsCrl: 'DOCAXIS_GATEWAY_TLS_CRL',
  gatewayMtls: 'DOCAXIS_GATEWAY_MTLS',
  sealKey: 'DOCAXIS_SEAL_KEY',
  sealCert: 'DOCAXIS_SEAL_CERT',
  sealP12: 'DOCAXIS_SEAL_P12',
  sealP12Password: 'DOCAXIS_SEAL_P12_PASSWORD',
  signaturePolicy: 'DOCAXIS_SIGNATURE_POLICY',
  trustAnchors: 'DOCAXIS_TRUST_ANCHORS',
  signatureAllowSha1: 'DOCAXIS_SIGNATURE_ALLOW_SHA1',
  trustRequireCrl: 'DOCAXIS_TRUST_REQUIRE_CRL',
  archiveCheckpointEvery: 'DOCAXIS_ARCHIVE_CHECKPOINT_EVERY',
  archiveCheckpointSeconds: 'DOCAXIS_ARCHIVE_CHECKPOINT_SECONDS',
  retentionDefaultYears: 'DOCAXIS_RETENTION_DEFAULT_YEARS',
  archiveBlobThresholdBytes: 'DOCAXIS_ARCHIVE_BLOB_THRESHOLD_BYTES',
  logLevel: 'DOCAXIS_LOG_LEVEL',
};

/** The environment variable behind each setting, for documentation and for the CLI that starts services. */
export const CONFIG_ENV = ENV;

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  required: (keyof DocaxisConfig)[] = [],
): DocaxisConfig {
  const plain: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') plain[key] = v;
  }
  const cfg = plainToInstance(DocaxisConfig, plain);
  const problems = validateSync(cfg).flatMap((e) => Object.values(e.constraints ?? {}));
  for (const key of required) {
    if (!plain[key]) problems.push(`${ENV[key]} is required`);
  }
  if (problems.length) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return cfg;
}
