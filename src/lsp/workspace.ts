/**
 * The server's model of the workspace, and the {@link WorkspaceView} built from it.
 *
 * 1. Files: every `*.pattern` under the workspace folders read from disk (no
 *    `node_modules`, no dot-folders, symlinks not followed; at most {@link MAX_FILES}
 *    files of at most {@link MAX_FILE_BYTES} each), and the open documents as typed,
 *    which hide their disk copy. Watched-file events update the disk copies.
 * 2. Each file is parsed once per text: a change re-parses only that file.
 * 3. The view checks all parsed files together (`checkParsed`, the front end of
 *    `compile` — the diagnostics `cep check` prints), once per change, cached until the next.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { checkParsed } from "../compile/program.js";
import type { CheckResult } from "../lang/check.js";
import type { Diagnostic } from "../lang/diagnostics.js";
import { parse } from "../lang/parse.js";
import type { SourceDoc, WorkspaceView } from "./view.js";

/** At most this many `.pattern` files are read from disk (open documents always count). */
export const MAX_FILES = 2000;
/** A disk file larger than this is not read (an open document of any size is). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Directory entries visited per scan, so a huge tree cannot stall start-up. */
const MAX_ENTRIES = 100_000;

interface Entry extends SourceDoc {
  readonly doc: TextDocument;
  /** The URI with vscode-uri's normal encoding: one file has one key however an editor spells it. */
  readonly key: string;
}

/** The normal form of a URI (`file:///a%20b` and `file:///a b` are one file). */
export function uriKey(uri: string): string {
  try {
    return URI.parse(uri).toString();
  } catch {
    return uri;
  }
}

/** The workspace's files, open and on disk; {@link view} is the checked whole. */
export class Workspace {
  private folders: string[] = [];
  private readonly disk = new Map<string, Entry>();
  private readonly open = new Map<string, Entry>();
  private cached: WorkspaceView | null = null;

  constructor(private readonly log: (message: string) => void) {}

  /** Sets the workspace folders (file-system paths) and reads their `.pattern` files. */
  setFolders(paths: readonly string[]): void {
    this.folders = [...paths];
    this.disk.clear();
    let entries = 0;
    const found: string[] = [];
    const walk = (dir: string) => {
      let list: Dirent[];
      try {
        list = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const d of list) {
        if (++entries > MAX_ENTRIES || found.length >= MAX_FILES) return;
        if (d.isDirectory()) {
          if (d.name !== "node_modules" && !d.name.startsWith(".")) walk(join(dir, d.name));
        } else if (d.isFile() && d.name.endsWith(".pattern")) {
          found.push(join(dir, d.name));
        }
      }
    };
    for (const folder of this.folders) walk(folder);
    if (entries > MAX_ENTRIES || found.length >= MAX_FILES)
      this.log(`cep lsp: workspace scan stopped at ${found.length} .pattern files (${entries} entries)`);
    for (const path of found) this.readFromDisk(path);
    this.cached = null;
  }

  /** An editor opened a document. */
  openDocument(uri: string, text: string, version: number): void {
    const key = uriKey(uri);
    // Opening a file as it is on disk costs no parse.
    this.open.set(key, this.entry(uri, key, text, version, this.disk.get(key)));
    this.cached = null;
  }

  /** An open document's text changed. */
  changeDocument(uri: string, text: string, version: number): void {
    const key = uriKey(uri);
    const old = this.open.get(key);
    if (old !== undefined && old.text === text && old.version === version) return;
    this.open.set(key, this.entry(uri, key, text, version, old));
    this.cached = null;
  }

  /**
   * An editor closed a document: its disk copy (if any, and in the workspace) takes its
   * place, read again — it may have been saved since (a client need not watch files).
   */
  closeDocument(uri: string): void {
    const key = uriKey(uri);
    if (!this.open.delete(key)) return;
    this.cached = null;
    this.fileChanged(uri, false);
  }

  /** A watched file was created, changed or deleted on disk. */
  fileChanged(uri: string, deleted: boolean): void {
    const key = uriKey(uri);
    this.cached = null;
    if (deleted) {
      this.disk.delete(key);
      return;
    }
    let path: string;
    try {
      const u = URI.parse(uri);
      if (u.scheme !== "file") return;
      path = u.fsPath;
    } catch {
      return;
    }
    if (!path.endsWith(".pattern") || this.folderOf(path) === null) return;
    if (path.split(sep).some((part) => part === "node_modules" || part.startsWith("."))) return;
    if (!this.disk.has(key) && this.disk.size >= MAX_FILES) return;
    this.readFromDisk(path);
  }

  /** The text of a workspace document (open or on disk). */
  textDocument(uri: string): TextDocument | undefined {
    const key = uriKey(uri);
    return (this.open.get(key) ?? this.disk.get(key))?.doc;
  }

  /** Every file parsed and checked together; the same object until something changes. */
  view(): WorkspaceView {
    if (this.cached !== null) return this.cached;
    const byKey = new Map(this.disk);
    for (const [key, e] of this.open) byKey.set(key, e);
    const docs = [...byKey.values()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    const byUri = new Map<string, SourceDoc>();
    const uriOfFile = new Map<string, string>();
    const diagnostics = new Map<string, Diagnostic[]>();
    for (const d of docs) {
      byUri.set(d.uri, d);
      uriOfFile.set(d.file, d.uri);
      diagnostics.set(d.uri, []);
    }
    let checked: CheckResult = { diagnostics: [], patterns: [] };
    let all: Diagnostic[];
    try {
      ({ checked, diagnostics: all } = checkParsed(docs.map((d) => d.parsed)));
    } catch (err) {
      this.log(`cep lsp: internal error in the checker: ${err instanceof Error ? err.stack : String(err)}`);
      all = docs.flatMap((d) => d.parsed.diagnostics);
    }
    for (const d of all) {
      const uri = uriOfFile.get(d.file);
      if (uri !== undefined) diagnostics.get(uri)?.push(d);
    }
    this.cached = { docs, byUri, checked, diagnostics };
    return this.cached;
  }

  private readFromDisk(path: string): void {
    const uri = URI.file(path).toString();
    let text: string;
    try {
      const size = statSync(path).size;
      if (size > MAX_FILE_BYTES) {
        this.log(`cep lsp: ${path} not read: ${size} bytes (at most ${MAX_FILE_BYTES})`);
        this.disk.delete(uri);
        return;
      }
      text = readFileSync(path, "utf8");
    } catch {
      this.disk.delete(uri);
      return;
    }
    const old = this.disk.get(uri);
    this.disk.set(uri, this.entry(uri, uri, text, null, old));
  }

  /** A file's entry; `before`'s parse is kept when the text and name are the same. */
  private entry(uri: string, key: string, text: string, version: number | null, before?: Entry): Entry {
    const file = this.fileName(uri, key);
    return {
      uri,
      key,
      file,
      text,
      version,
      parsed:
        before !== undefined && before.text === text && before.file === file
          ? before.parsed
          : parse(text, file),
      doc: TextDocument.create(uri, "cep-pattern", version ?? 0, text),
    };
  }

  /** The folder holding `path`, or null. */
  private folderOf(path: string): string | null {
    for (const f of this.folders) {
      const rel = relative(f, path);
      if (rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep)) return f;
    }
    return null;
  }

  /** The name in diagnostics: the path relative to its workspace folder (prefixed by the folder's name when there are several), else the path or the URI. */
  private fileName(uri: string, key: string): string {
    let path: string;
    try {
      const u = URI.parse(uri);
      if (u.scheme !== "file") return uri;
      path = u.fsPath;
    } catch {
      return uri;
    }
    const folder = this.folderOf(path);
    let name = path;
    if (folder !== null) {
      const rel = relative(folder, path).split(sep).join("/");
      name = this.folders.length > 1 ? `${basename(folder)}/${rel}` : rel;
    }
    // Two documents must never share a name: diagnostics are grouped by it.
    for (const e of [...this.open.values(), ...this.disk.values()]) {
      if (e.file === name && e.key !== key) return path;
    }
    return name;
  }
}
