/**
 * The layout rules of `cep fmt`: AST nodes → {@link Doc}s, taking the source tokens in
 * order through a {@link Cursor} (so comments and parentheses stay where they were).
 * docs/cli.md (`cep fmt`) states the layout these rules implement:
 *
 * ```
 * event LoginOk     { user: string, ip: string }        consecutive declarations align `{`
 *
 * pattern BruteForce {
 *   key by user                                         one clause per line, in grammar order
 *   within 5 minutes                                    durations as written
 *   match fail: LoginFailed{3,} consecutive
 *         followed by ok: LoginOk where ip != first(fail).ip
 *           or ok.ip is null                            a long `where` breaks at `or`/`and`
 *   emit { user: ok.user, attempts: count(fail) }       one line, or one field per line
 * }
 * ```
 */
import type {
  Alternation,
  BinaryExpr,
  Duration,
  EmitClause,
  EventDecl,
  Expr,
  Group,
  Ident,
  Modifier,
  PatternDecl,
  Permute,
  Quantifier,
  Sequence,
  SequenceItem,
  Term,
} from "../ast.js";
import { identToSource } from "../expr-text.js";
import type { Cursor } from "./cursor.js";
import {
  align,
  blank,
  type Doc,
  group,
  hardline,
  ifBreak,
  indent,
  join,
  line,
  mark,
  softline,
} from "./doc.js";

/** A top-level block with the column its `{` is aligned to (event runs). */
export type Block = { node: EventDecl; pad: number } | { node: PatternDecl; pad: 0 };

const LOGICAL = new Set(["and", "or"]);
const LEVEL: Record<string, number> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  in: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

/** Builds the doc of a file's blocks. */
export class Rules {
  constructor(private readonly c: Cursor) {}

  /**
   * The whole file: blocks separated by one empty line (none between two `event`
   * declarations the author wrote on consecutive lines), marks `2i` / `2i+1` around
   * block i, comments after the last block, a final newline.
   */
  file(blocks: readonly Block[], adjacent: readonly boolean[]): Doc {
    const out: Doc[] = [];
    blocks.forEach((b, i) => {
      if (i > 0) out.push(hardline, adjacent[i] ? "" : blank);
      out.push(this.c.take(b.node.kind === "Pattern" ? "pattern" : "event", undefined, mark(2 * i)));
      out.push(b.node.kind === "Pattern" ? this.pattern(b.node) : this.event(b.node, b.pad));
      out.push(mark(2 * i + 1));
    });
    const rest = this.c.dangling();
    if (rest.length > 0) out.push(blocks.length > 0 ? hardline : "", rest);
    return out;
  }

  // -- declarations -------------------------------------------------------------

  private event(e: EventDecl, pad: number): Doc {
    const name = identToSource(e.name.name);
    const head = [" ", this.c.take(undefined, name), " ".repeat(Math.max(1, pad - name.length + 1))];
    const open = this.c.take("{");
    const fields: Doc[][] = e.fields.map((f, i) => {
      if (i === e.fields.length - 1) this.c.defer(f.span.end);
      const parts: Doc[] = [this.c.take(undefined, identToSource(f.name.name, true)), this.c.take(":"), " "];
      parts.push(this.c.take(undefined, f.type));
      if (f.optional) parts.push(this.c.take("?"));
      if (i < e.fields.length - 1) parts.push(this.c.take(","));
      return parts;
    });
    return [head, this.braced(open, fields)];
  }

  /**
   * `{ a, b }` on one line, or one item per line with a trailing comma — before the
   * last item's comments (kept aside with `defer`) and any comma the author wrote.
   */
  private braced(open: Doc, items: Doc[]): Doc {
    const after = this.c.takeDeferred();
    if (this.c.peek()?.image === ",") after.push(this.c.take(",", null));
    const inner = [...after, ...this.c.dangling()];
    const close = this.c.take("}");
    const comments = inner.filter((d) => typeof d === "string" || ("t" in d && d.t !== "blank"));
    if (items.length === 0 && comments.length === 0) return [open, close];
    const comma = items.length > 0 ? ifBreak(",") : "";
    return group([open, indent([line, join(line, items), comma, inner]), line, close]);
  }

  private pattern(p: PatternDecl): Doc {
    const head = [" ", this.ident(p.name), " ", this.c.take("{")];
    const clauses: Doc[] = [];
    if (p.keyBy.length > 0) {
      const words = [this.c.take("key"), " ", this.c.take("by"), " "];
      const paths = p.keyBy.map((k, i) => {
        const segs = k.segments.map((s, j) => [j > 0 ? this.c.take(".") : "", this.ident(s, j > 0)]);
        return [segs, i < p.keyBy.length - 1 ? this.c.take(",") : ""];
      });
      clauses.push([words, join(" ", paths)]);
    }
    if (p.within) clauses.push([this.c.take("within"), " ", this.duration(p.within)]);
    if (p.skip) {
      const skip = p.skip;
      const words: Doc[] = [];
      while (this.c.peek() && (this.c.peek()?.startOffset ?? 0) < skip.span.end) {
        const isTarget = skip.target !== null && this.c.peek()?.startOffset === skip.target.span.start;
        words.push(isTarget && skip.target ? this.ident(skip.target) : this.c.take());
      }
      clauses.push(join(" ", words));
    }
    clauses.push([this.c.take("match"), " ", align(this.sequence(p.match, true))]);
    if (p.emit) clauses.push(this.emit(p.emit));
    if (p.onTimeout) {
      const t = p.onTimeout;
      clauses.push([this.c.take("on"), " ", this.c.take("timeout"), t.emit ? [" ", this.emit(t.emit)] : ""]);
    }
    const inner = this.c.dangling();
    return [head, indent([hardline, join(hardline, clauses), inner]), hardline, this.c.take("}")];
  }

  private emit(e: EmitClause): Doc {
    const head = [this.c.take("emit"), " "];
    const open = this.c.take("{");
    const fields: Doc[][] = e.fields.map((f, i) => {
      if (i === e.fields.length - 1) this.c.defer(f.span.end);
      return [
        this.ident(f.name, true),
        this.c.take(":"),
        " ",
        this.expr(f.value),
        i < e.fields.length - 1 ? this.c.take(",") : "",
      ];
    });
    return [head, this.braced(open, fields)];
  }

  // -- sequences ------------------------------------------------------------------

  /** Elements one per line at the top level; inside a group, on one line if they fit. */
  private sequence(s: Sequence, top: boolean): Doc {
    const elements = s.elements.map((el) => {
      const op: Doc[] = [];
      if (el.opSpan) op.push(this.c.takeUntil(el.opSpan.end), " ");
      return [op, this.item(el.item)];
    });
    return top ? join(hardline, elements) : group(join(line, elements));
  }

  private item(item: SequenceItem): Doc {
    switch (item.kind) {
      case "Term":
        return this.term(item);
      case "Group":
        return this.group(item);
      case "Alternation":
        return this.alternation(item);
      case "Permute":
        return this.permute(item);
    }
  }

  private group(g: Group): Doc {
    const open = this.c.take("(");
    const body = align(this.sequence(g.body, false));
    return [open, body, this.c.take(")"), this.quantified(g.quantifier, g.modifiers)];
  }

  /**
   * `(a: A | b: B)` on one line when it fits; else one alternative per line, `|` leading
   * under the `(`, as operators lead the lines of a sequence:
   * ```
   * ( p: Purchase where amount > 100
   * | o: Logout next r: Rating )
   * ```
   */
  private alternation(a: Alternation): Doc {
    const open = this.c.take("(");
    const alternatives = a.alternatives.map((alt, i) => {
      const bar: Doc = i === 0 ? "" : [line, this.c.take("|"), " "];
      return [bar, align(this.sequence(alt, false))];
    });
    const close = this.c.take(")");
    return [
      group(align([open, ifBreak(" "), alternatives, ifBreak(" "), close])),
      this.quantified(a.quantifier, a.modifiers),
    ];
  }

  /** `permute [op] (e1, e2, …)` on one line when it fits; else one element per line, indented. */
  private permute(p: Permute): Doc {
    const head: Doc[] = [this.c.take("permute")];
    if (p.opSpan !== null) head.push(" ", this.c.takeUntil(p.opSpan.end), " ");
    head.push(this.c.take("("));
    const elements = p.elements.map((e, i) => [
      this.item(e),
      i < p.elements.length - 1 ? [this.c.take(","), line] : "",
    ]);
    return group([head, indent([softline, elements]), softline, this.c.take(")")]);
  }

  private term(t: Term): Doc {
    const head: Doc[] = [];
    if (t.explicitVariable) head.push(this.ident(t.variable), this.c.take(":"), " ");
    head.push(t.type ? this.ident(t.type) : this.c.take("*"));
    head.push(this.quantified(t.quantifier, t.modifiers));
    if (t.within) head.push(" ", this.c.take("within"), " ", this.duration(t.within));
    if (!t.where) return head;
    const where = [this.c.take("where"), " ", indent(this.expr(t.where))];
    return group([head, indent([line, where])]);
  }

  private quantified(q: Quantifier | null, modifiers: readonly Modifier[]): Doc {
    const out: Doc[] = [];
    if (q) out.push(this.c.takeUntil(q.span.end).filter((d) => d !== " "));
    for (const m of modifiers) {
      out.push(" ", this.c.take(m.name));
      if (m.condition) out.push(" ", this.c.take("("), this.expr(m.condition), this.c.take(")"));
    }
    return out;
  }

  private duration(d: Duration): Doc {
    return this.c.takeUntil(d.span.end);
  }

  private ident(id: Ident, anyWord = false): Doc {
    // A backticked `permute` may be what keeps a name before `(` from starting a permute.
    if (id.quoted && id.name === "permute") return this.c.take(undefined, "`permute`");
    return this.c.take(undefined, identToSource(id.name, anyWord));
  }

  // -- expressions ------------------------------------------------------------------

  private parenthesised(e: Expr): boolean {
    return this.c.parenAt(e.span.start, e.span.end);
  }

  /** An expression with the parentheses the author wrote around it. */
  private expr(e: Expr): Doc {
    let end = e.span.end;
    let parens = 0;
    const opens: Doc[] = [];
    while (this.c.peek()?.image === "(" && this.c.closerEnd() === end) {
      const inner = this.c.innerEnd();
      opens.push(this.c.take("("));
      parens++;
      end = inner;
    }
    let body = this.bare(e, end);
    if (parens === 0) return body;
    for (let k = 0; k < parens; k++) body = [opens[parens - 1 - k], align(body), this.c.take(")")];
    return body;
  }

  private bare(e: Expr, end: number): Doc {
    switch (e.kind) {
      case "Literal":
        return this.c.takeUntil(end);
      case "Name":
        return this.ident(e.name);
      case "Event":
      case "Prev":
        return this.c.take();
      case "List": {
        const open = this.c.take("[");
        const items: Doc[][] = e.items.map((it, i) => [
          this.expr(it),
          i < e.items.length - 1 ? [this.c.take(","), " "] : "",
        ]);
        if (this.c.peek()?.image === ",") items[items.length - 1].push(this.c.take(",", null));
        return [open, items, this.c.take("]")];
      }
      case "Member":
        return [this.expr(e.object), this.c.take("."), this.ident(e.property, true)];
      case "Index":
        return [this.expr(e.object), this.c.take("["), this.expr(e.index), this.c.take("]")];
      case "Call": {
        const name = e.callee.name;
        const callee = ["first", "last", "key"].includes(name) ? name : identToSource(name);
        const head = [this.c.take(undefined, callee), this.c.take("(")];
        const args = e.args.map((a, i) => [
          this.expr(a),
          i < e.args.length - 1 ? [this.c.take(","), " "] : "",
        ]);
        return [head, args, this.c.take(")")];
      }
      case "Unary": {
        const op = this.c.take(e.op);
        if (e.op === "not") return [op, " ", this.expr(e.operand)];
        return [op, this.c.peek()?.image === "-" ? " " : "", this.expr(e.operand)];
      }
      case "Binary":
        return this.binary(e);
      case "Between":
        return [
          this.expr(e.value),
          " ",
          this.c.take("between"),
          " ",
          this.expr(e.low),
          " ",
          this.c.take("and"),
          " ",
          this.expr(e.high),
        ];
      case "IsNull": {
        const operand = this.expr(e.operand);
        const words = [this.c.take("is"), " "];
        if (e.negated) words.push(this.c.take("not"), " ");
        return [operand, " ", words, this.c.take("null")];
      }
    }
  }

  /**
   * A chain of one precedence level (`a and b and c`), walked as a loop. An `and`/`or`
   * chain breaks before each operator when it does not fit; its operands are indented
   * under it, so a broken `and` inside an `or` reads as nested.
   */
  private binary(e: BinaryExpr): Doc {
    const level = LEVEL[e.op];
    const links: BinaryExpr[] = [];
    let node: Expr = e;
    while (node.kind === "Binary" && LEVEL[node.op] === level && (node === e || !this.parenthesised(node))) {
      links.push(node);
      node = node.left;
    }
    links.reverse();
    const logical = LOGICAL.has(e.op);
    const parts: Doc[] = [logical ? indent(this.expr(node)) : this.expr(node)];
    for (const link of links) {
      const op = this.c.take(link.op);
      const right = this.expr(link.right);
      parts.push(logical ? [line, op, " ", indent(right)] : [" ", op, " ", right]);
    }
    return logical ? group(parts) : parts;
  }
}
