/**
 * Which program runs the language server, from the `cepheus.server.*` settings: pure, so it
 * is tested without VS Code. The server is always `<program> lsp --stdio [args…]`: `--stdio`
 * is written out rather than left to the client's `TransportKind.stdio`, so the command
 * shown in errors and logs is the one that ran.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** The `cepheus.server.*` settings as read from the configuration (any may be unset). */
export interface ServerSettings {
  readonly path?: string;
  readonly args?: readonly string[];
}

/** What the language client spawns: the shape of `vscode-languageclient`'s `Executable`. */
export interface ServerExecutable {
  readonly command: string;
  readonly args: string[];
  readonly options: { cwd?: string; shell?: boolean };
}

/** Where the server is looked for: the workspace folders' paths, the platform, and a file test. */
export interface ServerEnvironment {
  readonly folders: readonly string[];
  /**
   * Whether the workspace is trusted (default true). An untrusted workspace's own
   * `node_modules/.bin/cep` is not run: opening a folder must not run code it brought.
   */
  readonly trusted?: boolean;
  readonly platform?: NodeJS.Platform;
  readonly exists?: (file: string) => boolean;
}

/**
 * The program and arguments that start the server. `cepheus.server.path` when set (a relative
 * path is taken from the first workspace folder; a bare name is looked up on the PATH), else
 * the first workspace folder's `node_modules/.bin/cep` that exists (trusted workspaces only),
 * else `cep` on the PATH.
 *
 * @example serverOptions({}, { folders: ["/ws"] }) // { command: "/ws/node_modules/.bin/cep", args: ["lsp", "--stdio"], … } when it exists
 */
export function serverOptions(settings: ServerSettings, env: ServerEnvironment): ServerExecutable {
  const windows = (env.platform ?? process.platform) === "win32";
  const exists = env.exists ?? existsSync;
  const cwd = env.folders[0];
  const args = ["lsp", "--stdio", ...(settings.args ?? []).filter((a) => typeof a === "string")];
  const configured = settings.path?.trim();
  let command = "cep";
  if (configured) {
    const bare = !/[\\/]/.test(configured);
    command = bare || isAbsolute(configured) || cwd === undefined ? configured : resolve(cwd, configured);
  } else if (env.trusted !== false) {
    const local = env.folders
      .map((folder) => join(folder, "node_modules", ".bin", windows ? "cep.cmd" : "cep"))
      .find((file) => exists(file));
    if (local !== undefined) command = local;
  }
  // npm's shims on Windows are .cmd files, which only a shell can run.
  const shell = windows && /\.(cmd|bat)$|^[^\\/.]+$/i.test(command);
  return { command, args, options: { ...(cwd === undefined ? {} : { cwd }), ...(shell ? { shell } : {}) } };
}

/** The command line as a user would type it, for messages. */
export function commandLine(server: ServerExecutable): string {
  return [server.command, ...server.args].map((w) => (/[\s"']/.test(w) ? JSON.stringify(w) : w)).join(" ");
}
