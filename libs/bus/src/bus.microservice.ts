import { Catch, type ArgumentsHost, type INestMicroservice, type RpcExceptionFilter } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import { DocaxisTransport, type DocaxisTransportOptions } from './docaxis.transport.js';

/**
 * Nest's default RPC filter turns every non-RpcException into "Internal server error"; the transport needs the
 * original error to tell transient from permanent failures and to reply with the DxError code.
 */
@Catch()
export class PassThroughRpcFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/** Creates a Nest microservice on the docaxis NATS transport, with errors passed through to it. */
export async function createBusMicroservice(
  module: unknown,
  options: DocaxisTransportOptions,
  nestOptions: { logger?: false | ('error' | 'warn' | 'log' | 'debug' | 'verbose')[] } = {},
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module as never, {
    strategy: new DocaxisTransport(options),
    ...nestOptions,
  });
  app.useGlobalFilters(new PassThroughRpcFilter());
  app.enableShutdownHooks();
  return app;
}
