import { Module, type DynamicModule } from '@nestjs/common';
import { BusModule } from '#bus';
import type { DocaxisConfig } from '#config';
import { AxisLinkModule } from '#connector';
import { StoreModule } from '#store';
import { signatureOptionsFromConfig, type SignatureOptions } from '#trust';

export interface AxisLinkAppOptions {
  natsUrl: string;
  databaseUrl: string;
  axisOrganId: string;
  maxPackageBytes: number;
  signatures: SignatureOptions;
}

/** The settings the axis link reads; it runs at the national axis only. */
export function axisLinkAppOptions(cfg: DocaxisConfig): AxisLinkAppOptions {
  if (cfg.axisRole !== 'national') {
    throw new Error(
      'the axis link answers provincial axes at the national axis: set DOCAXIS_AXIS_ROLE=national',
    );
  }
  return {
    natsUrl: cfg.natsUrl,
    databaseUrl: cfg.databaseUrl,
    axisOrganId: cfg.axisOrganId,
    maxPackageBytes: cfg.maxPackageBytes,
    signatures: signatureOptionsFromConfig(cfg),
  };
}

/** The national end of the NATS connector driver: answers dx.axis.<code>.* from the provinces' leafnodes. */
@Module({})
export class AxisLinkAppModule {
  static forRoot(opts: AxisLinkAppOptions): DynamicModule {
    return {
      module: AxisLinkAppModule,
      imports: [
        StoreModule.forRoot(opts.databaseUrl),
        BusModule.forRoot(opts.natsUrl, 'axis-link'),
        AxisLinkModule.forRoot({
          maxPackageBytes: opts.maxPackageBytes,
          axisOrganId: opts.axisOrganId,
          signatures: opts.signatures,
        }),
      ],
    };
  }
}
