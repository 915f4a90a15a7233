/**
 * `cep explain <file.pattern> [--pattern Name] [--format text|dot|mermaid] [--code]`: the
 * compiled NFA — states, take/ignore/proceed edges with their conditions, windows, skip
 * strategy. `text` prints the compiler's own stable dump (the one its tests compare);
 * `dot` and `mermaid` draw `program.patterns[i].description` (see `explain-render.ts`).
 * `--code` prints the JavaScript the engine generates for each pattern (issue #16), or why
 * the pattern runs on the interpreter.
 */
import type { CompiledPattern as ModelPattern } from "../compile/model.js";
import { generatedSource } from "../runtime/codegen/instantiate.js";
import { comment } from "../runtime/codegen/source.js";
import { type CliEnv, type CompiledPattern, UsageError } from "./api.js";
import {
  isNfaDescription,
  type NfaDescription,
  renderDot,
  renderMermaid,
  renderNfaText,
} from "./explain-render.js";
import { checkPatternNames, compileSources, readSources } from "./load.js";

export type ExplainFormat = "text" | "dot" | "mermaid";

/** Runs `cep explain`; returns the exit code. */
export async function explainCommand(
  env: CliEnv,
  file: string,
  options: { pattern?: string; format: ExplainFormat; code?: boolean },
): Promise<number> {
  const sources = await readSources([file]);
  const program = compileSources(env, sources);
  if (program === null) return 1;
  if (options.pattern !== undefined) checkPatternNames(program, [options.pattern]);
  const patterns = program.patterns.filter(
    (p) => options.pattern === undefined || p.name === options.pattern,
  );
  if (patterns.length === 0) throw new UsageError(`${file} defines no pattern`);

  if (options.code === true) {
    env.stdout.write(patterns.map((p) => codeOf(p as unknown as ModelPattern)).join("\n"));
    return 0;
  }
  if (options.format === "text") {
    env.stdout.write(patterns.map(textDump).join("\n"));
    return 0;
  }
  const described = patterns.map((p) => {
    const nfa = descriptionOf(p);
    if (nfa === null) {
      throw new UsageError(`--format ${options.format}: this build exposes no NFA description for ${p.name}`);
    }
    return { name: p.name, nfa };
  });
  env.stdout.write(options.format === "dot" ? renderDot(described) : renderMermaid(described));
  return 0;
}

/** `--code`: a pattern's generated matcher, its name in a comment (made safe), or why there is none. */
function codeOf(p: ModelPattern): string {
  const head = `// pattern ${comment(p.name)}\n`;
  const gen = generatedSource(p);
  if ("source" in gen)
    return `${head}// generated matcher: the body of a function of P, the pattern's data\n${gen.source}`;
  return `${head}// runs on the interpreter: ${comment(gen.fallback)}\n`;
}

/** The compiler's dump (`explain()` or a string `explain`), else a listing of the description. */
function textDump(p: CompiledPattern): string {
  let dump: unknown = p.explain;
  if (typeof dump === "function") dump = dump.call(p);
  if (typeof dump === "string") return dump.endsWith("\n") ? dump : `${dump}\n`;
  const nfa = descriptionOf(p);
  if (nfa !== null) return renderNfaText({ name: p.name, nfa });
  throw new UsageError(`this build exposes no NFA dump for ${p.name}`);
}

/** `pattern.description` (the compiler's plain NFA description), or `nfa` when that is one. */
function descriptionOf(p: CompiledPattern): NfaDescription | null {
  if (isNfaDescription(p.description)) return p.description;
  if (isNfaDescription(p.nfa)) return p.nfa;
  return null;
}
