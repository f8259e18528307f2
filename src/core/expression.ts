/**
 * A tiny, safe expression language for measurable success criteria, e.g.
 * `coverage >= 80 and not flaky` or `status == "green"`. Hand-written tokenizer and
 * recursive-descent parser; evaluation only looks names up in a map of recorded values.
 * Nothing is ever passed to `eval` or `Function`, so an expression cannot run code.
 *
 * Grammar (lowest precedence first):
 *
 * ```text
 * or     := and (("or" | "||") and)*
 * and    := not (("and" | "&&") not)*
 * not    := ("not" | "!") not | cmp
 * cmp    := atom (("==" | "!=" | "<" | "<=" | ">" | ">=") atom)?
 * atom   := NUMBER | STRING | "true" | "false" | NAME | "(" or ")"
 * ```
 *
 * @module
 */

/** A value an expression can produce or read. */
export type Value = number | string | boolean;

/** Why an expression could not be parsed or evaluated. */
export class ExpressionError extends Error {
  /** Create an expression error. */
  constructor(message: string) {
    super(message);
    this.name = "ExpressionError";
  }
}

type Token =
  | { kind: "num"; value: number }
  | { kind: "str"; value: string }
  | { kind: "name"; value: string }
  | { kind: "op"; value: string };

/** A parsed expression. */
export type Expr =
  | { kind: "literal"; value: Value }
  | { kind: "name"; name: string }
  | { kind: "not"; operand: Expr }
  | { kind: "logic"; op: "and" | "or"; left: Expr; right: Expr }
  | { kind: "compare"; op: string; left: Expr; right: Expr };

const MAX_LENGTH = 1000;
const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")"];

function tokenize(source: string): Token[] {
  if (source.length > MAX_LENGTH) {
    throw new ExpressionError(`expression too long (max ${MAX_LENGTH} characters)`);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const last = tokens[tokens.length - 1];
    // A minus sign is part of a number only where an operand is expected.
    const signed = last === undefined || (last.kind === "op" && last.value !== ")");
    const number = (signed ? /^-?\d+(?:\.\d+)?/ : /^\d+(?:\.\d+)?/).exec(source.slice(i));
    if (number) {
      tokens.push({ kind: "num", value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = "";
      let j = i + 1;
      for (; j < source.length && source[j] !== c; j++) {
        if (source[j] === "\\" && j + 1 < source.length) j++;
        value += source[j];
      }
      if (j >= source.length) throw new ExpressionError(`unterminated string at ${i + 1}`);
      tokens.push({ kind: "str", value });
      i = j + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: "name", value: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op === undefined) throw new ExpressionError(`unexpected "${c}" at ${i + 1}`);
    tokens.push({ kind: "op", value: op });
    i += op.length;
  }
  return tokens;
}

class Parser {
  #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Expr {
    if (this.#tokens.length === 0) throw new ExpressionError("empty expression");
    const expr = this.#or();
    const extra = this.#tokens[this.#at];
    if (extra !== undefined) throw new ExpressionError(`unexpected "${extra.value}"`);
    return expr;
  }

  #peekWord(...words: string[]): boolean {
    const token = this.#tokens[this.#at];
    return token !== undefined && token.kind !== "num" && token.kind !== "str" &&
      words.includes(token.value);
  }

  #or(): Expr {
    let left = this.#and();
    while (this.#peekWord("or", "||")) {
      this.#at++;
      left = { kind: "logic", op: "or", left, right: this.#and() };
    }
    return left;
  }

  #and(): Expr {
    let left = this.#not();
    while (this.#peekWord("and", "&&")) {
      this.#at++;
      left = { kind: "logic", op: "and", left, right: this.#not() };
    }
    return left;
  }

  #not(): Expr {
    if (this.#peekWord("not", "!")) {
      this.#at++;
      return { kind: "not", operand: this.#not() };
    }
    return this.#compare();
  }

  #compare(): Expr {
    const left = this.#atom();
    const token = this.#tokens[this.#at];
    if (token?.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(token.value)) {
      this.#at++;
      return { kind: "compare", op: token.value, left, right: this.#atom() };
    }
    return left;
  }

  #atom(): Expr {
    const token = this.#tokens[this.#at++];
    if (token === undefined) throw new ExpressionError("unexpected end of expression");
    if (token.kind === "num" || token.kind === "str") {
      return { kind: "literal", value: token.value };
    }
    if (token.kind === "name") {
      if (token.value === "true" || token.value === "false") {
        return { kind: "literal", value: token.value === "true" };
      }
      if (["and", "or", "not"].includes(token.value)) {
        throw new ExpressionError(`unexpected "${token.value}"`);
      }
      return { kind: "name", name: token.value };
    }
    if (token.value === "(") {
      const inner = this.#or();
      const close = this.#tokens[this.#at++];
      if (close?.value !== ")") throw new ExpressionError('missing ")"');
      return inner;
    }
    throw new ExpressionError(`unexpected "${token.value}"`);
  }
}

/**
 * Parse an expression, or throw {@link ExpressionError}.
 *
 * @example
 * ```ts
 * import { parseExpression } from "./expression.ts";
 * parseExpression("coverage >= 80").kind; // "compare"
 * ```
 */
export function parseExpression(source: string): Expr {
  return new Parser(tokenize(source)).parse();
}

/** The names an expression reads, in order of first use. */
export function namesIn(expr: Expr): string[] {
  const names = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === "name") names.add(e.name);
    else if (e.kind === "not") walk(e.operand);
    else if (e.kind === "logic" || e.kind === "compare") {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr);
  return [...names];
}

function truthy(value: Value): boolean {
  return value !== false && value !== 0 && value !== "";
}

function compare(op: string, a: Value, b: Value): boolean {
  if (op === "==") return a === b;
  if (op === "!=") return a !== b;
  if (typeof a !== typeof b || typeof a === "boolean") {
    throw new ExpressionError(`cannot compare ${JSON.stringify(a)} ${op} ${JSON.stringify(b)}`);
  }
  if (op === "<") return a < b;
  if (op === "<=") return a <= b;
  if (op === ">") return a > b;
  return a >= b;
}

/**
 * Evaluate a parsed expression against recorded values. A name without a value throws
 * {@link ExpressionError} ("no value recorded for …").
 */
export function evaluate(expr: Expr, values: ReadonlyMap<string, Value>): Value {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "name": {
      const value = values.get(expr.name);
      if (value === undefined) throw new ExpressionError(`no value recorded for "${expr.name}"`);
      return value;
    }
    case "not":
      return !truthy(evaluate(expr.operand, values));
    case "logic": {
      const left = truthy(evaluate(expr.left, values));
      if (expr.op === "and" ? !left : left) return left;
      return truthy(evaluate(expr.right, values));
    }
    case "compare":
      return compare(expr.op, evaluate(expr.left, values), evaluate(expr.right, values));
  }
}

/** Parse and evaluate `source`, reducing the result to pass (true) or fail (false). */
export function check(source: string, values: ReadonlyMap<string, Value>): boolean {
  return truthy(evaluate(parseExpression(source), values));
}

/** Parse a recorded value typed by a user: a number, `true`/`false`, or else a string. */
export function parseValue(text: string): Value {
  const trimmed = text.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  return text;
}
