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

  /** Largest package accepted; bounded by the NATS server's max_payload until packages move to object storage. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  maxPackageBytes = 60 * 1024 * 1024;

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

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

const ENV: Record<keyof DocaxisConfig, string> = {
  natsUrl: 'NATS_URL',
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
