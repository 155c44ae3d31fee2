import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { LogLevel } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SYSTEM_URI_PREFIX } from '#auth';
import { SIGNATURE_HEADERS } from '#contracts';
import { GatewayModule } from './gateway.module.js';
import type { GatewayOptions } from './gateway.options.js';
import { httpsServerOptions } from './gateway.tls.js';
import { sdkValidationPipe } from './validation.js';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCS_PATH = 'docs';

/** Builds the gateway application (not yet listening); main.ts and the tests share it. */
export async function createGatewayApp(
  options: GatewayOptions,
  logger: LogLevel[] | false = ['error', 'warn', 'log'],
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(options), {
    // Parsed per route by the gateway's own middleware (raw package bytes vs JSON, each with its limit).
    bodyParser: false,
    logger,
    ...(options.tls ? { httpsOptions: httpsServerOptions(options.tls) } : {}),
  });
  app.useGlobalPipes(sdkValidationPipe());
  app.disable('x-powered-by');

  const doc = new DocumentBuilder()
    .setTitle('docaxis gateway')
    .setDescription(
      'The national axis SDK calls for agency document systems. Every call except /health and /docs is ' +
        'authenticated, by a DX1 signature or a TLS client certificate. DX1: ' +
        `${SIGNATURE_HEADERS.system}, ${SIGNATURE_HEADERS.timestamp} (unix seconds), ${SIGNATURE_HEADERS.nonce} ` +
        `(16-64 characters of [A-Za-z0-9_-], never reused) and ${SIGNATURE_HEADERS.signature} = ` +
        'hex HMAC-SHA256 under the system secret of "DX1-HMAC-SHA256\\n<METHOD>\\n<path>\\n<timestamp>\\n<nonce>\\n<sha256 hex of body>". ' +
        "mTLS (when the axis enables it): a client certificate from the axis's client CA whose subjectAltName URI is " +
        `${SYSTEM_URI_PREFIX}<systemId> authenticates as that system without DX1 headers; with both, they must name ` +
        'the same system; a system registered with auth mtls must present one (AUTH_CLIENT_CERT). ' +
        'Roles: a system acts only for its own agencies (FORBIDDEN_SENDER, FORBIDDEN_AGENCY, DOC_NOT_FOUND); an ' +
        'archivist may only read the directory (getAgenciesList, getSynchronizeUnit), every exchange call is ' +
        'FORBIDDEN_ROLE for it. ' +
        'Answers: {status: "OK", ErrorCode: "0", ErrorDesc: ""} or {status: "FAIL", ErrorCode: <stable code>, ErrorDesc}.',
    )
    .setVersion('1')
    .addSecurity('dx1', { type: 'apiKey', in: 'header', name: SIGNATURE_HEADERS.signature })
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
  });
  app.enableShutdownHooks();
  return app;
}
