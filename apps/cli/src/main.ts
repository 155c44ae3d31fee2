import 'reflect-metadata';
import { Command } from 'commander';
import { registerHubCommands } from './commands/hub.command.js';
import { registerDocumentCommands } from './commands/document.command.js';
import { registerOpsCommands } from './commands/ops.command.js';
import { registerNatsCredsCommands } from './commands/nats-creds.command.js';
import { registerPkiCommands } from './commands/pki.command.js';
import { registerReceiptCommands } from './commands/receipt.command.js';
import { registerSignatureCommands } from './commands/signature.command.js';
import { registerVerifyCommands } from './commands/verify.command.js';
import { registerPdfCommands } from './commands/pdf.command.js';
import { registerArchiveCommands, registerVerifyExportCommand } from './commands/archive.command.js';
import { registerArchiveEvidenceCommands } from './commands/archive-evidence.command.js';
import { registerArchiveSearchCommands } from './commands/archive-search.command.js';
import { registerBenchCommands } from './commands/bench.command.js';

const program = new Command('docaxis')
  .description('docaxis: the hub through which agencies exchange signed edXML documents')
  .option('--state-dir <dir>', 'local hub state directory', process.env.DOCAXIS_STATE_DIR ?? '.docaxis')
  .option('--axis <axis>', 'in a local topology: the axis to act on (national, h41, …)')
  .showHelpAfterError();

registerHubCommands(program);
registerDocumentCommands(program);
registerOpsCommands(program);
registerNatsCredsCommands(program);
registerPkiCommands(program);
registerReceiptCommands(program);
registerSignatureCommands(program);
registerVerifyCommands(program);
registerPdfCommands(program);
registerArchiveCommands(program, [registerArchiveSearchCommands, registerArchiveEvidenceCommands]);
registerVerifyExportCommand(program);
registerBenchCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as { code?: string; message?: string };
  console.error(err.code ? `error ${err.code}: ${err.message}` : `error: ${err.message ?? String(e)}`);
  process.exitCode = process.exitCode || 1;
}
