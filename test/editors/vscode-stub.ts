/**
 * Just enough of the `vscode` module to load and activate the built extension outside VS
 * Code: the calls the extension makes itself are recorded; everything else the bundled
 * language client touches (events, disposables, enums, registrations) is an inert "anything"
 * that can be read, called and constructed.
 */
import Module from "node:module";

/** What the extension did through the stub. */
export interface VscodeRecord {
  readonly errors: string[];
  readonly commands: Map<string, (...args: unknown[]) => unknown>;
  readonly log: string[];
}

/** The workspace the stub presents: folders and `cepheus.*` settings ("server.path" → value). */
export interface VscodeWorld {
  readonly folders: readonly string[];
  readonly settings: Readonly<Record<string, unknown>>;
  /** `workspace.isTrusted` (default true). */
  readonly trusted?: boolean;
}

// An inert value: any property is another one, calling or constructing it gives another one.
// `then` is absent so that awaiting it does not hang; primitives convert to "".
function anything(): any {
  const target = class {}; // constructible (the client extends some vscode classes) and callable through the trap
  return new Proxy(target, {
    get(t, key) {
      if (key === "then") return undefined;
      if (key === "prototype") return t.prototype; // what `class … extends` builds on
      if (key === Symbol.toPrimitive) return () => "";
      if (key === Symbol.iterator) return function* () {};
      return anything();
    },
    apply: () => anything(),
    construct: () => anything(),
  });
}

function outputChannel(log: string[]): any {
  const line = (text: string) => log.push(text);
  const channel = { append: line, appendLine: line, replace: line, error: line, warn: line, info: line };
  return new Proxy(channel, {
    get: (t, key) => (key in t ? t[key as keyof typeof t] : key === "then" ? undefined : anything()),
  });
}

/** A `vscode` module for `world`, and the record of what the extension asked of it. */
export function vscodeStub(world: VscodeWorld): { module: any; record: VscodeRecord } {
  const record: VscodeRecord = { errors: [], commands: new Map(), log: [] };
  const overrides = {
    version: "1.91.0",
    env: { appName: "stub", language: "en", machineId: "stub", sessionId: "stub" },
    workspace: {
      isTrusted: world.trusted ?? true,
      workspaceFolders: world.folders.map((fsPath, index) => ({
        index,
        name: fsPath,
        uri: { scheme: "file", fsPath, toString: () => `file://${fsPath}` },
      })),
      getConfiguration: (section?: string) => ({
        get: (key: string, fallback?: unknown) => {
          const full = [section, key].filter(Boolean).join(".");
          const local = full.startsWith("cepheus.") ? full.slice("cepheus.".length) : full;
          return local in world.settings ? world.settings[local] : fallback;
        },
        has: () => false,
        inspect: () => undefined,
        update: async () => undefined,
      }),
      textDocuments: [],
      notebookDocuments: [],
    },
    window: {
      createOutputChannel: () => outputChannel(record.log),
      showErrorMessage: async (message: string) => {
        record.errors.push(message);
        return undefined;
      },
      visibleTextEditors: [],
      visibleNotebookEditors: [],
      tabGroups: { all: [] },
    },
    commands: {
      registerCommand: (name: string, run: (...args: unknown[]) => unknown) => {
        record.commands.set(name, run);
        return anything();
      },
      executeCommand: async () => undefined,
    },
  };
  const module = new Proxy(overrides, {
    get(t, key) {
      if (key === "then") return undefined;
      // The bundle's import helpers take an ES module as it is instead of copying its keys.
      if (key === "__esModule") return true;
      if (key in t) {
        const value = t[key as keyof typeof t];
        if (typeof value !== "object" || value === null) return value;
        return new Proxy(value, {
          get: (inner, k) =>
            k in inner ? inner[k as keyof typeof inner] : k === "then" ? undefined : anything(),
        });
      }
      return anything();
    },
  });
  return { module, record };
}

/**
 * Makes `require("vscode")` give `stub` until the returned function is called, then loads a
 * fresh copy of `file` (its module state is its own). The hook stays on while the test runs:
 * the bundled client may require `vscode` late.
 */
export function requireWithVscode(file: string, stub: unknown): { exports: any; unhook: () => void } {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === "vscode" ? stub : load.call(this, request, ...rest);
  };
  const require = Module.createRequire(file);
  delete require.cache[file];
  return { exports: require(file), unhook: () => void (loader._load = load) };
}
