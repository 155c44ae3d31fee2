// Node module hooks that let jest's globalSetup import our TypeScript sources. Jest loads global hooks
// with Node's own loader (not its test runtime), so neither moduleNameMapper's `.js` -> `.ts` mapping nor
// ts-jest applies to what they import. Registered by global-setup.ts; transpile only, no type-check.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (
    isRelative(specifier) &&
    specifier.endsWith('.js') &&
    parent?.startsWith('file:') &&
    !parent.includes('/node_modules/')
  ) {
    const asTs = new URL(specifier.slice(0, -3) + '.ts', parent);
    if (!existsSync(fileURLToPath(new URL(specifier, parent))) && existsSync(fileURLToPath(asTs))) {
      return { url: asTs.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.ts') && !url.includes('/node_modules/')) {
    const fileName = fileURLToPath(url);
    const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
      fileName,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        experimentalDecorators: true,
        useDefineForClassFields: false,
        inlineSourceMap: true,
      },
    });
    return { format: 'module', source: outputText, shortCircuit: true };
  }
  return nextLoad(url, context);
}
