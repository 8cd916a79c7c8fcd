// Bundles the extension (and, with --tests, the unit tests) into out/.
import * as esbuild from 'esbuild';

const tests = process.argv.includes('--tests');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  external: ['vscode'],
  logLevel: 'warning',
};

if (tests) {
  await esbuild.build({
    ...common,
    entryPoints: ['src/test/config.test.ts'],
    outdir: 'out/test',
  });
} else {
  await esbuild.build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'out/extension.js',
    minify: process.argv.includes('--minify'),
  });
}
