/**
 * `cep lsp --stdio`: the Language Server, on `vscode-languageserver`.
 *
 * 1. The editor's documents are kept by `TextDocuments` (incremental sync); the other
 *    `.pattern` files of the workspace folders are read from disk (`workspace.ts`).
 * 2. Every change (typing, open, close, a watched file, a folder) marks the view stale
 *    and, once the messages already queued are handled, tells the features the new view
 *    (diagnostics publish from it).
 * 3. Features (`features/index.ts`) register their own handlers through a
 *    {@link ServerContext}; this file knows none of them.
 *
 * Nothing a document contains may stop the server: handlers go through `ctx.safe`, which
 * logs an internal error and answers an empty result.
 */
import {
  type Connection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type InitializeResult,
  type ServerCapabilities,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { guard, type ServerContext } from "./context.js";
import { features } from "./features/index.js";
import { spanToRange } from "./positions.js";
import type { WorkspaceView } from "./view.js";
import { Workspace } from "./workspace.js";

/** The folders of an `initialize` request as file-system paths. */
function folderPaths(
  folders: readonly { uri: string }[] | null | undefined,
  rootUri: string | null | undefined,
): string[] {
  const uris = folders && folders.length > 0 ? folders.map((f) => f.uri) : rootUri ? [rootUri] : [];
  const paths: string[] = [];
  for (const uri of uris) {
    try {
      const u = URI.parse(uri);
      if (u.scheme === "file") paths.push(u.fsPath);
    } catch {
      // not a URI we can read from disk: no files from it
    }
  }
  return paths;
}

/** Serves LSP on `connection` until the editor says `exit` (the library then ends the process). */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.error(message);
  const workspace = new Workspace(log);
  const listeners: ((view: WorkspaceView) => void)[] = [];
  let folders: string[] = [];
  let watchRegistration = false;
  let folderEvents = false;
  let scheduled = false;

  const publish = () => {
    scheduled = false;
    let view: WorkspaceView;
    try {
      view = workspace.view();
    } catch (err) {
      log(
        `cep lsp: internal error building the workspace view: ${err instanceof Error ? err.stack : String(err)}`,
      );
      return;
    }
    for (const listener of listeners) {
      try {
        listener(view);
      } catch (err) {
        log(`cep lsp: internal error: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
  };
  // After the messages already received: a burst of edits makes one view.
  const changed = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(publish);
  };

  const ctx: ServerContext = {
    connection,
    documents,
    view: () => workspace.view(),
    textDocument: (uri) => workspace.textDocument(uri),
    toOffset: (uri, position) => workspace.textDocument(uri)?.offsetAt(position) ?? null,
    toRange: (uri, span) => {
      const doc = workspace.textDocument(uri);
      return doc === undefined ? null : spanToRange(doc, span);
    },
    safe: guard(log),
    onViewChanged: (listener) => {
      listeners.push(listener);
    },
  };

  const capabilities: ServerCapabilities = {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
  for (const feature of features) {
    try {
      Object.assign(capabilities, feature(ctx));
    } catch (err) {
      log(`cep lsp: a feature failed to register: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }

  connection.onInitialize((params): InitializeResult => {
    folders = folderPaths(params.workspaceFolders, params.rootUri);
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    folderEvents = params.capabilities.workspace?.workspaceFolders === true;
    return { capabilities, serverInfo: { name: "cep lsp" } };
  });

  connection.onInitialized(() => {
    try {
      workspace.setFolders(folders);
    } catch (err) {
      log(`cep lsp: cannot read the workspace: ${err instanceof Error ? err.stack : String(err)}`);
    }
    if (watchRegistration) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.pattern" }] })
        .catch((err) => log(`cep lsp: cannot watch files: ${err}`));
    }
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(folderPaths(e.removed, null));
        folders = [...folders.filter((f) => !removed.has(f)), ...folderPaths(e.added, null)];
        workspace.setFolders(folders);
        changed();
      });
    }
    changed();
  });

  documents.onDidChangeContent((e) => {
    workspace.changeDocument(e.document.uri, e.document.getText(), e.document.version);
    changed();
  });
  documents.onDidClose((e) => {
    workspace.closeDocument(e.document.uri);
    changed();
  });
  connection.onDidChangeWatchedFiles((e) => {
    for (const change of e.changes) workspace.fileChanged(change.uri, change.type === FileChangeType.Deleted);
    changed();
  });

  documents.listen(connection);
  connection.listen();
}
