// The apparatus extension: starts `apparatus lsp` for the Markdown files of every corpus
// (a folder with `edition.toml`) in the workspace.
import * as cp from 'child_process';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  Message,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import {
  CORPUS_MARKER,
  CrashCounter,
  corpusSelector,
  exitedMessage,
  initializationOptions,
  missingMessage,
  resolveServer,
  rootsFromMarkers,
  serverEnv,
} from './config';

const OPEN_SETTINGS = 'Open Settings';
const SHOW_OUTPUT = 'Show Output';
const RESTART = 'Restart';

/**
 * A client whose start failures are reported by this extension (which knows the exit
 * status and the fix), not by the library's generic "couldn't create connection".
 */
class ApparatusClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    const ours = message.endsWith("couldn't create connection to server.");
    super.error(message, data, ours ? false : showNotification);
  }
}

let output: vscode.OutputChannel;
let client: ApparatusClient | undefined;
let serverProcess: cp.ChildProcess | undefined;
let currentRoots: string[] = [];
const crashes = new CrashCounter();
/** Serialises start/stop/restart. */
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(job: () => Promise<T>): Promise<T> {
  const next = queue.then(job, job);
  queue = next.catch(() => undefined);
  return next;
}

function log(line: string): void {
  output.appendLine(`[client] ${line}`);
}

function workspaceFolderPath(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

async function findCorpusRoots(): Promise<string[]> {
  const files = await vscode.workspace.findFiles(`**/${CORPUS_MARKER}`, '**/{node_modules,target,.git}/**');
  return rootsFromMarkers(files.filter((u) => u.scheme === 'file').map((u) => u.fsPath));
}

async function openSettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', 'apparatus.server.path');
}

async function notifyMissing(requested: string): Promise<void> {
  const msg = missingMessage(requested);
  log(msg);
  const choice = await vscode.window.showErrorMessage(msg, OPEN_SETTINGS);
  if (choice === OPEN_SETTINGS) await openSettings();
}

async function notifyExit(
  command: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  willRestart: boolean,
): Promise<void> {
  const msg = exitedMessage(command, code, signal, willRestart);
  log(msg);
  const buttons = willRestart ? [SHOW_OUTPUT, OPEN_SETTINGS] : [SHOW_OUTPUT, OPEN_SETTINGS, RESTART];
  const choice = await vscode.window.showErrorMessage(msg, ...buttons);
  if (choice === SHOW_OUTPUT) output.show(true);
  else if (choice === OPEN_SETTINGS) await openSettings();
  else if (choice === RESTART) await vscode.commands.executeCommand('apparatus.restartServer');
}

async function start(): Promise<void> {
  const roots = await findCorpusRoots();
  currentRoots = roots;
  if (roots.length === 0) {
    log(`no ${CORPUS_MARKER} in the workspace: the server is not started`);
    return;
  }
  const cfg = vscode.workspace.getConfiguration('apparatus');
  const resolved = resolveServer(cfg.get<string>('server.path'), process.env, workspaceFolderPath());
  if (!resolved.command) {
    void notifyMissing(resolved.requested);
    return;
  }
  const command = resolved.command;
  const env = serverEnv(
    process.env,
    cfg.get<string>('server.logLevel'),
    cfg.get<Record<string, unknown>>('server.extraEnv'),
  );

  // Our own spawn, so that we see the exit code and the spawn error; the client pipes
  // the process's stderr into the output channel.
  let lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The server answered `initialize`; before that, a failure is reported by the start. */
  let running = false;
  const exitStatus = async () => {
    // The pipe may close before the process's 'exit' event.
    for (let i = 0; i < 40 && !lastExit; i++) await new Promise((r) => setTimeout(r, 25));
    return lastExit;
  };
  const serverOptions: ServerOptions = () =>
    new Promise<cp.ChildProcess>((resolve, reject) => {
      lastExit = undefined;
      log(`starting ${command} lsp (corpus roots: ${roots.join(', ')})`);
      const child = cp.spawn(command, ['lsp'], {
        cwd: roots[0],
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      child.once('error', (err) => {
        log(`could not start ${command}: ${err.message}`);
        reject(err);
      });
      child.once('spawn', () => {
        serverProcess = child;
        resolve(child);
      });
      child.once('exit', (code, signal) => {
        lastExit = { code, signal };
        log(`server exited (code ${code}, signal ${signal})`);
        if (serverProcess === child) serverProcess = undefined;
      });
    });

  const clientOptions: LanguageClientOptions = {
    documentSelector: corpusSelector(roots),
    initializationOptions: initializationOptions(cfg.get<boolean>('inlayHints.isoDates')),
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationFailedHandler: (error) => {
      log(`initialization failed: ${error instanceof Error ? error.message : String(error)}`);
      return false; // no retry; start() reports it
    },
    synchronize: {
      configurationSection: 'apparatus',
      fileEvents: [
        vscode.workspace.createFileSystemWatcher(`**/${CORPUS_MARKER}`),
        vscode.workspace.createFileSystemWatcher('**/*.md'),
      ],
    },
    // Our notifications replace the client's own ("connection to server is erroring").
    errorHandler: {
      error(error: Error, _message: Message | undefined, count: number | undefined): ErrorHandlerResult {
        log(`connection error: ${error.message}`);
        return {
          action: running && count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
          handled: true,
        };
      },
      async closed(): Promise<CloseHandlerResult> {
        if (!running) {
          // Died while starting: start() reports it, once, and it is not restarted.
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        running = false;
        const exit = await exitStatus();
        const restart = crashes.record();
        void notifyExit(command, exit?.code ?? null, exit?.signal ?? null, restart);
        return { action: restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
      },
    },
  };

  const c = new ApparatusClient('apparatus', 'Apparatus', serverOptions, clientOptions);
  // A restart by the client (after a crash) initializes again.
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) running = true;
  });
  client = c;
  try {
    await c.start();
    running = true;
    log('server started');
  } catch (err) {
    log(`the server did not start: ${err instanceof Error ? err.message : String(err)}`);
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ENOENT' || e?.code === 'EACCES') {
      void notifyMissing(resolved.requested);
    } else {
      const exit = await exitStatus();
      void notifyExit(command, exit?.code ?? null, exit?.signal ?? null, false);
    }
    if (client === c) client = undefined;
    try {
      await c.dispose(2000);
    } catch {
      /* already stopped */
    }
  }
}

async function stop(): Promise<void> {
  const c = client;
  const proc = serverProcess;
  client = undefined;
  if (c) {
    try {
      await c.stop(3000);
    } catch (err) {
      log(`stopping the client: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  // The client does not kill a process it did not spawn itself.
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGTERM');
    setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }, 2000).unref();
  }
  serverProcess = undefined;
}

function restart(): Promise<void> {
  return enqueue(async () => {
    crashes.reset();
    await stop();
    await start();
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Apparatus');
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('apparatus.restartServer', () => restart()),
    vscode.commands.registerCommand('apparatus.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('apparatus.server') || e.affectsConfiguration('apparatus.inlayHints')) {
        log('settings changed: restarting the server');
        void restart();
      }
    }),
  );

  // A corpus appearing or disappearing changes the document selector.
  const markers = vscode.workspace.createFileSystemWatcher(`**/${CORPUS_MARKER}`, false, true, false);
  const rootsChanged = async () => {
    const roots = await findCorpusRoots();
    if (roots.join('\n') !== currentRoots.join('\n')) {
      log(`corpus roots changed: ${roots.join(', ') || '(none)'}`);
      await restart();
    }
  };
  markers.onDidCreate(() => void rootsChanged());
  markers.onDidDelete(() => void rootsChanged());
  context.subscriptions.push(markers, vscode.workspace.onDidChangeWorkspaceFolders(() => void rootsChanged()));

  await enqueue(start);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}
