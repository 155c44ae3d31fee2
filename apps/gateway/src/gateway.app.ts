import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { LogLevel } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SIGNATURE_HEADERS } from '#contracts';
import { GatewayModule } from './gateway.module.js';
import type { GatewayOptions } from './gateway.options.js';
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
  });
  app.useGlobalPipes(sdkValidationPipe());
  app.disable('x-powered-by');

  const doc = new DocumentBuilder()
    .setTitle('docaxis gateway')
    .setDescription(
      'The national axis SDK calls for agency document systems. Every call except /health is signed: ' +
        `${SIGNATURE_HEADERS.system}, ${SIGNATURE_HEADERS.timestamp} (unix seconds), ${SIGNATURE_HEADERS.nonce} ` +
        `(16-64 characters of [A-Za-z0-9_-], never reused) and ${SIGNATURE_HEADERS.signature} = ` +
        'hex HMAC-SHA256 under the system secret of "DX1-HMAC-SHA256\\n<METHOD>\\n<path>\\n<timestamp>\\n<nonce>\\n<sha256 hex of body>". ' +
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
