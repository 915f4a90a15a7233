/**
 * The Cepheus extension: colours come from the TextMate grammar (package.json), everything
 * else from the language server `cep lsp --stdio`, started here for `cepheus` documents.
 * The extension holds no language knowledge of its own.
 */
import { commands, type ExtensionContext, type LogOutputChannel, window, workspace } from "vscode";
import {
  CloseAction,
  ErrorAction,
  type ErrorHandler,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { commandLine, type ServerExecutable, type ServerSettings, serverOptions } from "./server.js";

export { commandLine, serverOptions } from "./server.js";

/** The language id of `.pattern` files, as contributed in package.json. */
export const LANGUAGE_ID = "cepheus";

/**
 * The language client, quiet while it starts: a server that cannot start would otherwise
 * raise three notifications of the client's own ("couldn't create connection", …) before
 * ours, which says what to install; the client's messages still go to the output channel.
 */
class CepheusClient extends LanguageClient {
  starting = true;

  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    super.error(message, data, this.starting ? false : showNotification);
  }
}

/** Once running, the client's usual policy (restart a crashed server up to 4 times in 3 minutes); while starting, none. */
function errorHandler(client: () => CepheusClient): ErrorHandler {
  let usual: ErrorHandler | undefined;
  const running = () => (usual ??= client().createDefaultErrorHandler(4));
  return {
    error: (error, message, count) =>
      client().starting
        ? { action: ErrorAction.Shutdown, handled: true }
        : running().error(error, message, count),
    closed: () =>
      client().starting ? { action: CloseAction.DoNotRestart, handled: true } : running().closed(),
  };
}

let client: CepheusClient | undefined;
let output: LogOutputChannel | undefined;

/** Called by VS Code on the first `.pattern` file: starts the server, registers the restart command. */
export async function activate(context: ExtensionContext): Promise<void> {
  output = window.createOutputChannel("Cepheus Language Server", { log: true });
  context.subscriptions.push(
    output,
    commands.registerCommand("cepheus.restartServer", () => restart()),
    workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("cepheus.server")) void restart();
    }),
    // Trusting the workspace lets its own node_modules/.bin/cep run.
    workspace.onDidGrantWorkspaceTrust(() => void restart()),
  );
  await start();
}

/** Called by VS Code on shutdown: stops the server. */
export async function deactivate(): Promise<void> {
  await stop();
}

function currentServer(): ServerExecutable {
  const config = workspace.getConfiguration("cepheus.server");
  const settings: ServerSettings = {
    path: config.get<string>("path"),
    args: config.get<string[]>("args"),
  };
  const folders = (workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === "file")
    .map((f) => f.uri.fsPath);
  return serverOptions(settings, { folders, trusted: workspace.isTrusted });
}

async function start(): Promise<void> {
  const server = currentServer();
  const run: ServerOptions = { command: server.command, args: server.args, options: server.options };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: LANGUAGE_ID },
      { scheme: "untitled", language: LANGUAGE_ID },
    ],
    // The server checks a whole workspace: it hears about .pattern files changed outside the editor.
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.pattern") },
    outputChannel: output,
    initializationFailedHandler: () => false,
    errorHandler: errorHandler(() => created),
  };
  // The id "cepheus" makes the client read the `cepheus.trace.server` setting.
  const created = new CepheusClient(LANGUAGE_ID, "Cepheus Language Server", run, clientOptions);
  client = created;
  try {
    await created.start();
    created.starting = false;
  } catch (error) {
    if (client !== created) return; // stopped while starting (a restart): not a failure
    client = undefined;
    await created.dispose().catch(() => undefined);
    // Not awaited: the notification's promise settles only when the user closes it.
    reportStartFailure(server, error);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) return;
  await running.dispose().catch(() => undefined);
}

// Restarts run one after another: two quick setting changes must not leave two servers.
let restarting: Promise<void> = Promise.resolve();

function restart(): Promise<void> {
  restarting = restarting.then(stop).then(start);
  return restarting;
}

function reportStartFailure(server: ServerExecutable, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  const message =
    `Cepheus: could not start the language server \`${commandLine(server)}\` (${reason}). ` +
    "Install Cepheus in the workspace (`npm install --save-dev cepheus`) or globally " +
    "(`npm install -g cepheus`), or set `cepheus.server.path` to its `cep` program; " +
    "it needs a version that has `cep lsp`." +
    (workspace.isTrusted
      ? ""
      : " In this untrusted workspace, its own node_modules/.bin/cep is not used: trust it to use it.");
  output?.error(message);
  void window.showErrorMessage(message, "Open Settings", "Show Log").then((choice) => {
    if (choice === "Open Settings")
      void commands.executeCommand("workbench.action.openSettings", "cepheus.server");
    else if (choice === "Show Log") output?.show();
  });
}
