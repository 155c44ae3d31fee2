#!/usr/bin/env node
// The docaxis CLI; `npm run build` compiles it to dist/.
import('../dist/apps/cli/src/main.js').catch((e) => {
  console.error(e?.code === 'ERR_MODULE_NOT_FOUND' ? 'docaxis is not built: run `npm run build`' : e);
  process.exit(1);
});
