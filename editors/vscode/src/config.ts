// Pure helpers of the extension: no `vscode` import, so that they run under `node --test`.
import * as fs from 'fs';
import * as path from 'path';

/** The file that marks the root of a corpus. */
export const CORPUS_MARKER = 'edition.toml';

/** The default name of the server binary, looked up on PATH. */
export const DEFAULT_BINARY = 'apparatus';

/** A document filter in the shape of LSP's and VS Code's `DocumentFilter`. */
export interface MarkdownFilter {
  language: 'markdown';
  scheme: 'file' | 'untitled';
  pattern?: string;
}

/** Escapes the characters that have a meaning in a VS Code glob pattern. */
export function escapeGlob(p: string): string {
  return p.replace(/[\\*?[\]{}!]/g, (c) => `[${c}]`);
}

/**
 * The document selector: the Markdown files under each corpus root.
 *
 * The documents keep the `markdown` language id, so that Markdown preview, outline
 * extensions and themes go on working; the server gets only the files of a corpus.
 * `roots` are absolute file-system paths of folders that contain `edition.toml`.
 */
export function corpusSelector(roots: readonly string[]): MarkdownFilter[] {
  const unique = [...new Set(roots.map(normalizeRoot))].sort();
  return unique.map((root) => ({
    language: 'markdown',
    scheme: 'file',
    pattern: `${escapeGlob(root)}/**/*.md`,
  }));
}

/** A root as a glob wants it: forward slashes, no trailing slash. */
export function normalizeRoot(root: string): string {
  let r = root.replace(/\\/g, '/');
  while (r.length > 1 && r.endsWith('/')) r = r.slice(0, -1);
  return r;
}

/** Corpus roots from the `edition.toml` files found in the workspace. */
export function rootsFromMarkers(markerPaths: readonly string[]): string[] {
  const roots = markerPaths
    .filter((p) => path.basename(p) === CORPUS_MARKER)
    .map((p) => normalizeRoot(path.dirname(p)));
  return [...new Set(roots)].sort();
}

export interface ResolvedServer {
  /** What the user asked for (the setting, or `apparatus`). */
  requested: string;
  /** The absolute path found, or undefined when there is none. */
  command?: string;
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the server binary: the `apparatus.server.path` setting (absolute, `~/…`, or
 * relative to the first workspace folder), else `apparatus` on PATH.
 */
export function resolveServer(
  setting: string | undefined,
  env: NodeJS.ProcessEnv,
  workspaceFolder: string | undefined,
  isExecutable: (p: string) => boolean = isExecutableFile,
): ResolvedServer {
  const requested = (setting ?? '').trim() || DEFAULT_BINARY;
  const exts =
    process.platform === 'win32'
      ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)]
      : [''];
  const tryPath = (p: string): string | undefined => {
    for (const e of exts) if (isExecutable(p + e)) return p + e;
    return undefined;
  };

  let expanded = requested;
  if (expanded === '~' || expanded.startsWith('~/')) {
    const home = env.HOME ?? env.USERPROFILE ?? '';
    expanded = path.join(home, expanded.slice(1));
  }
  const hasSeparator = expanded.includes('/') || expanded.includes('\\');
  const result = (command: string | undefined): ResolvedServer => (command ? { requested, command } : { requested });
  if (path.isAbsolute(expanded)) {
    return result(tryPath(expanded));
  }
  if (hasSeparator) {
    const base = workspaceFolder ?? process.cwd();
    return result(tryPath(path.resolve(base, expanded)));
  }
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const found = tryPath(path.join(dir, expanded));
    if (found) return { requested, command: found };
  }
  return { requested };
}

export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** The server's environment: ours, APPARATUS_LOG from the level, then the extra variables. */
export function serverEnv(
  base: NodeJS.ProcessEnv,
  logLevel: string | undefined,
  extraEnv: Record<string, unknown> | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (logLevel && (LOG_LEVELS as readonly string[]).includes(logLevel)) {
    env.APPARATUS_LOG = logLevel;
  }
  for (const [k, v] of Object.entries(extraEnv ?? {})) {
    if (v === null || v === undefined) delete env[k];
    else env[k] = String(v);
  }
  return env;
}

/** What the server receives as `initializationOptions`. */
export interface InitializationOptions {
  inlayHints: { isoDates: boolean };
}

export function initializationOptions(isoDates: boolean | undefined): InitializationOptions {
  return { inlayHints: { isoDates: isoDates ?? true } };
}

export const INSTALL_HINT = 'Install it with `cargo install --path .` or set `apparatus.server.path`.';

export function missingMessage(requested: string): string {
  return `apparatus: the server binary \`${requested}\` was not found. ${INSTALL_HINT}`;
}

export function exitedMessage(
  command: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  willRestart: boolean,
): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`;
  const next = willRestart
    ? 'It is being restarted.'
    : 'It will not be restarted until you run "Apparatus: Restart server".';
  return (
    `apparatus: the server \`${command} lsp\` ${how}. ${next} ` +
    'Its log is in the Apparatus output. If the binary is outdated or not the apparatus server, ' +
    'install it with `cargo install --path .` or set `apparatus.server.path`.'
  );
}

/** Counts crashes in a sliding window, to stop restarting a server that keeps dying. */
export class CrashCounter {
  private times: number[] = [];
  constructor(
    private readonly max = 4,
    private readonly windowMs = 3 * 60 * 1000,
  ) {}
  /** Records a crash; returns whether the server may be restarted. */
  record(now = Date.now()): boolean {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    this.times.push(now);
    return this.times.length <= this.max;
  }
  reset(): void {
    this.times = [];
  }
}
