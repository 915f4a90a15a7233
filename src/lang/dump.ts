/**
 * A readable, stable text dump of the AST for golden tests: one node per line,
 * indented two spaces per level, `[slot: ]Kind details @line:col-line:col`.
 *
 * ```
 * Pattern Spike @1:1-4:2
 *   match: Sequence @2:9-2:40
 *     Element @2:9-2:17
 *       Term a: Tick @2:9-2:16
 * ```
 *
 * Without a source, positions are printed as UTF-16 offsets (`@12-20`).
 */
import type { Ident, Node } from "./ast.js";
import { lineIndex } from "./format.js";

/** Dumps `node` and everything under it. */
export function dumpAst(node: Node, source?: string): string {
  const lines: string[] = [];
  const pos = source === undefined ? undefined : lineIndex(source);
  const at = (n: Node): string => {
    if (pos === undefined) return `@${n.span.start}-${n.span.end}`;
    const a = pos(n.span.start);
    const b = pos(n.span.end);
    return `@${a.line}:${a.column}-${b.line}:${b.column}`;
  };
  // A work list, not recursion: expression trees may be thousands of levels deep.
  const todo: [n: Node, depth: number, slot: string | undefined][] = [[node, 0, undefined]];
  while (todo.length > 0) {
    const [n, depth, slot] = todo.pop()!;
    const [details, kids] = describe(n);
    const head = `${"  ".repeat(depth)}${slot ? `${slot}: ` : ""}${n.kind}${details ? ` ${details}` : ""} ${at(n)}`;
    lines.push(head);
    const children: [Node, number, string | undefined][] = [];
    for (const [name, value] of kids) {
      if (value === null || value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) children.push([v, depth + 1, undefined]);
      else children.push([value as Node, depth + 1, name || undefined]);
    }
    for (let i = children.length - 1; i >= 0; i--) todo.push(children[i]);
  }
  return `${lines.join("\n")}\n`;
}

/** A name as written: backticked names keep their backticks. */
function shown(id: Ident): string {
  return id.quoted ? `\`${id.name.replaceAll("`", "``")}\`` : id.name;
}

type Kids = [slot: string, value: Node | readonly Node[] | null][];

function describe(n: Node): [string, Kids] {
  switch (n.kind) {
    case "File":
      return [
        JSON.stringify(n.file),
        [
          ["", n.events],
          ["", n.patterns],
        ],
      ];
    case "EventDecl":
      return [shown(n.name), [["", n.fields]]];
    case "FieldDecl":
      return [`${shown(n.name)}: ${n.type}${n.optional ? "?" : ""}`, []];
    case "Pattern":
      return [
        shown(n.name),
        [
          ["", n.keyBy],
          ["within", n.within],
          ["skip", n.skip],
          ["match", n.match],
          ["emit", n.emit],
          ["onTimeout", n.onTimeout],
        ],
      ];
    case "KeyPath":
      return [n.segments.map(shown).join("."), []];
    case "Skip":
      return [n.target ? `${n.strategy} ${shown(n.target)}` : n.strategy, []];
    case "Sequence":
      return ["", [["", n.elements]]];
    case "Element":
      return [n.op ?? "", [["", n.item]]];
    case "Term": {
      const head = n.explicitVariable
        ? `${shown(n.variable)}: ${n.type ? shown(n.type) : "*"}`
        : shown(n.variable);
      return [
        head,
        [
          ["quantifier", n.quantifier],
          ["", n.modifiers],
          ["within", n.within],
          ["where", n.where],
        ],
      ];
    }
    case "Group":
      return [
        "",
        [
          ["body", n.body],
          ["quantifier", n.quantifier],
          ["", n.modifiers],
        ],
      ];
    case "Alternation":
      return [
        "",
        [
          ["", n.alternatives],
          ["quantifier", n.quantifier],
          ["", n.modifiers],
        ],
      ];
    case "Permute":
      return [n.op, [["", n.elements]]];
    case "Quantifier":
      return [`${n.raw} min=${n.min} max=${n.max ?? "unbounded"}`, []];
    case "Modifier":
      return [n.name, [["condition", n.condition]]];
    case "Emit":
      return ["", [["", n.fields]]];
    case "EmitField":
      return [shown(n.name), [["", n.value]]];
    case "OnTimeout":
      return ["", [["emit", n.emit]]];
    case "Ident":
      return [shown(n), []];
    case "Duration":
      return [`${n.ms}ms ${JSON.stringify(n.raw)}`, []];
    case "Literal": {
      const value = JSON.stringify(n.value);
      if (n.duration) return [`${value} duration ${JSON.stringify(n.raw)}`, []];
      return [value === n.raw ? value : `${value} raw=${JSON.stringify(n.raw)}`, []];
    }
    case "List":
      return ["", [["", n.items]]];
    case "Name":
      return [shown(n.name), []];
    case "Event":
    case "Prev":
      return ["", []];
    case "Member":
      return [`.${shown(n.property)}`, [["object", n.object]]];
    case "Index":
      return [
        "",
        [
          ["object", n.object],
          ["index", n.index],
        ],
      ];
    case "Call":
      return [shown(n.callee), [["", n.args]]];
    case "Unary":
      return [n.op, [["", n.operand]]];
    case "Binary":
      return [
        n.op,
        [
          ["left", n.left],
          ["right", n.right],
        ],
      ];
    case "Between":
      return [
        "",
        [
          ["value", n.value],
          ["low", n.low],
          ["high", n.high],
        ],
      ];
    case "IsNull":
      return [n.negated ? "not null" : "null", [["", n.operand]]];
  }
}
