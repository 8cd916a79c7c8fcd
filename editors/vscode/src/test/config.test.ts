// Unit tests of the pure helpers: `npm test` (node's test runner).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  CrashCounter,
  corpusSelector,
  escapeGlob,
  exitedMessage,
  initializationOptions,
  missingMessage,
  resolveServer,
  rootsFromMarkers,
  serverEnv,
} from '../config';

test('selector keeps the markdown language and limits it to each corpus root', () => {
  assert.deepEqual(corpusSelector(['/w/b', '/w/a/', '/w/b']), [
    { language: 'markdown', scheme: 'file', pattern: '/w/a/**/*.md' },
    { language: 'markdown', scheme: 'file', pattern: '/w/b/**/*.md' },
  ]);
});

test('glob characters in a root are escaped', () => {
  assert.equal(escapeGlob('/w/vol [1]{x}*?'), '/w/vol [[]1[]][{]x[}][*][?]');
  assert.deepEqual(corpusSelector(['C:\\ed\\corpus']), [
    { language: 'markdown', scheme: 'file', pattern: 'C:/ed/corpus/**/*.md' },
  ]);
});

test('roots come from edition.toml files only', () => {
  assert.deepEqual(rootsFromMarkers(['/w/c/edition.toml', '/w/a/edition.toml', '/w/x/other.toml']), [
    '/w/a',
    '/w/c',
  ]);
});

test('the server is looked up on PATH by default', () => {
  const exe = new Set(['/opt/bin/apparatus', '/ws/target/release/apparatus', '/home/u/.cargo/bin/apparatus']);
  const isExe = (p: string) => exe.has(p);
  const env = { PATH: ['/usr/bin', '/opt/bin'].join(path.delimiter), HOME: '/home/u' };
  assert.deepEqual(resolveServer('', env, '/ws', isExe), { requested: 'apparatus', command: '/opt/bin/apparatus' });
  assert.deepEqual(resolveServer(undefined, { PATH: '/usr/bin' }, '/ws', isExe), { requested: 'apparatus' });
  assert.deepEqual(resolveServer('target/release/apparatus', env, '/ws', isExe), {
    requested: 'target/release/apparatus',
    command: '/ws/target/release/apparatus',
  });
  assert.deepEqual(resolveServer('~/.cargo/bin/apparatus', env, '/ws', isExe), {
    requested: '~/.cargo/bin/apparatus',
    command: '/home/u/.cargo/bin/apparatus',
  });
  assert.deepEqual(resolveServer('/nope/apparatus', env, '/ws', isExe), { requested: '/nope/apparatus' });
});

test('log level and extra environment', () => {
  const env = serverEnv({ PATH: '/bin', RUST_LOG: 'x' }, 'debug', { RUST_BACKTRACE: '1', RUST_LOG: null });
  assert.deepEqual(env, { PATH: '/bin', APPARATUS_LOG: 'debug', RUST_BACKTRACE: '1' });
  assert.equal(serverEnv({}, 'info', { APPARATUS_LOG: 'apparatus=trace' }).APPARATUS_LOG, 'apparatus=trace');
  assert.equal(serverEnv({}, 'bogus', {}).APPARATUS_LOG, undefined);
});

test('initialization options', () => {
  assert.deepEqual(initializationOptions(false), { inlayHints: { isoDates: false } });
  assert.deepEqual(initializationOptions(undefined), { inlayHints: { isoDates: true } });
});

test('messages name the binary and the fix', () => {
  assert.equal(
    missingMessage('apparatus'),
    'apparatus: the server binary `apparatus` was not found. Install it with `cargo install --path .` or set `apparatus.server.path`.',
  );
  const m = exitedMessage('/bin/apparatus', 2, null, false);
  assert.match(m, /`\/bin\/apparatus lsp` exited with code 2/);
  assert.match(m, /cargo install --path \./);
  assert.match(exitedMessage('/a', null, 'SIGKILL', true), /killed by SIGKILL\. It is being restarted/);
});

test('crash counter stops restarts after 4 crashes in 3 minutes', () => {
  const c = new CrashCounter();
  assert.deepEqual([0, 1, 2, 3, 4].map((t) => c.record(t * 1000)), [true, true, true, true, false]);
  assert.equal(c.record(10 * 60 * 1000), true);
});
