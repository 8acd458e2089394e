/**
 * Issue 24: the values the contracts define (enums, constants, custom errors, role ids), read from the solc output
 * Hardhat keeps (artifacts/build-info/*.json: `output.sources[*].ast` and `output.contracts[*][*].abi`) and written as
 * one typed TypeScript module, lib/generated/contracts.ts. TypeScript never retypes them: it imports that module.
 *
 * Pure functions only (no Hardhat import): scripts/tasks/values.ts runs them after `hardhat compile` and in
 * `hardhat values:check`; test/generated/ unit-tests them.
 *
 * Constants are evaluated from their AST, with Solidity's semantics: literal sub-expressions exactly (rationals), typed
 * ones in their type (integer division truncates, checked arithmetic must not overflow, explicit conversions truncate
 * or pad). Whatever the evaluator does not know is refused with an {@link UnevaluableConstantError}, never guessed;
 * solc's own folding of literal expressions (`int_const N` in the AST) is cross-checked.
 */
import { ErrorFragment, getAddress, keccak256 } from "ethers";

// ------------------------------------------------------------------------------------------------ AST shapes

/** The part of a solc AST node the extractor reads (solc's JSON AST, `compact` form). */
export interface AstNode {
  nodeType: string;
  id?: number;
  src?: string;
  name?: string;
  [key: string]: unknown;
}

/** The part of a Hardhat build-info the extractor reads. */
export interface BuildInfoLike {
  input: { sources: Record<string, { content?: string }> };
  output: {
    sources: Record<string, { ast: AstNode; id?: number }>;
    contracts: Record<string, Record<string, { abi: readonly unknown[] }>>;
  };
}

// ------------------------------------------------------------------------------------------------ errors

/** A constant whose value the evaluator cannot compute; nothing is generated. */
export class UnevaluableConstantError extends Error {
  constructor(
    /** `Contract.NAME` of the constant. */
    readonly constant: string,
    /** Where it is declared (`contracts/...sol:line`), when known. */
    readonly location: string,
    /** What the evaluator met and could not evaluate. */
    readonly reason: string,
  ) {
    super(
      `Cannot evaluate the constant ${constant}${location ? ` (${location})` : ""}: ${reason}. ` +
        "Write it with literals, operators and other constants the generator knows " +
        "(scripts/lib/contract-values.ts), or teach the evaluator the new form.",
    );
    this.name = "UnevaluableConstantError";
  }
}

/** The solc output does not have the shape the generator expects (a name clash, an error missing from the ABI, ...). */
export class ContractValuesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractValuesError";
  }
}

// ------------------------------------------------------------------------------------------------ evaluator

/** An integer type: `uint16`, `int256`, ... */
export interface IntType {
  signed: boolean;
  bits: number;
}

/** A value during evaluation. `rational` is a literal (solc's int_const / rational_const): exact, untyped. */
export type EvalValue =
  | { kind: "rational"; n: bigint; d: bigint }
  | { kind: "int"; type: IntType; v: bigint }
  | { kind: "bytes"; size: number | null; hex: string } // size null: dynamic `bytes`
  | { kind: "string"; text: string | null; hex: string } // a string literal or a `string` constant
  | { kind: "bool"; v: boolean }
  | { kind: "address"; v: string };

/** What a constant evaluates to, in its declared type. */
export type ConstantValue =
  | { kind: "int"; type: IntType; v: bigint }
  | { kind: "bytes"; size: number | null; hex: string }
  | { kind: "string"; text: string }
  | { kind: "bool"; v: boolean }
  | { kind: "address"; v: string };

/** How the evaluator resolves a reference (`Identifier` / `Lib.NAME`) to another constant. */
export interface EvalContext {
  /** The declaration with this AST id (in the same solc output), if any. */
  declaration(id: number): AstNode | undefined;
  /** `Contract.NAME` of a declaration, for messages. */
  describe(decl: AstNode): string;
  /** `contracts/...sol:line` of a node, for messages. */
  locate(node: AstNode): string;
}

const SUBDENOMINATIONS: Record<string, bigint> = {
  wei: 1n,
  gwei: 10n ** 9n,
  ether: 10n ** 18n,
  seconds: 1n,
  minutes: 60n,
  hours: 3600n,
  days: 86_400n,
  weeks: 604_800n,
};

/** `uint16` -> { signed: false, bits: 16 }; `uint` is uint256; anything else undefined. */
export function parseIntType(typeString: string): IntType | undefined {
  const m = /^(u?)int(\d*)$/.exec(typeString);
  if (!m) return undefined;
  const bits = m[2] === "" ? 256 : Number(m[2]);
  if (bits < 8 || bits > 256 || bits % 8 !== 0) return undefined;
  return { signed: m[1] === "", bits };
}

/** `bytes32` -> 32; `bytes` -> null; anything else undefined. */
function parseBytesType(typeString: string): number | null | undefined {
  if (/^bytes( (memory|storage|calldata))?$/.test(typeString)) return null;
  const m = /^bytes(\d+)$/.exec(typeString);
  if (!m) return undefined;
  const size = Number(m[1]);
  return size >= 1 && size <= 32 ? size : undefined;
}

const intMin = (t: IntType) => (t.signed ? -(1n << BigInt(t.bits - 1)) : 0n);
const intMax = (t: IntType) => (t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n);
const typeName = (t: IntType) => `${t.signed ? "" : "u"}int${t.bits}`;
/** Two's-complement truncation of `v` to `t` (Solidity's explicit integer conversions and shifts). */
function wrap(v: bigint, t: IntType): bigint {
  const m = BigInt.asUintN(t.bits, v);
  return t.signed ? BigInt.asIntN(t.bits, m) : m;
}
const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};
function rational(n: bigint, d: bigint = 1n): EvalValue {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { kind: "rational", n: n / g, d: d / g };
}
const hexOf = (v: bigint, bytes: number) => "0x" + v.toString(16).padStart(bytes * 2, "0");

/**
 * Evaluates a constant's declaration (`VariableDeclaration` with `constant: true`) to its value in its declared
 * type. Throws {@link UnevaluableConstantError} on any expression it does not know.
 */
export function evaluateConstant(
  decl: AstNode,
  ctx: EvalContext,
  seen: Set<number> = new Set(),
): ConstantValue {
  const name = ctx.describe(decl);
  const fail = (node: AstNode, reason: string): never => {
    throw new UnevaluableConstantError(
      name,
      ctx.locate(decl),
      `${reason} (${node.nodeType} at ${ctx.locate(node)})`,
    );
  };
  if (decl.id !== undefined) {
    if (seen.has(decl.id)) fail(decl, "it refers to itself");
    seen = new Set(seen).add(decl.id);
  }
  const value = decl.value as AstNode | undefined;
  if (!value) fail(decl, "it has no value");
  const declared = (decl.typeDescriptions as { typeString?: string } | undefined)?.typeString ?? "";
  const v = evaluate(value!, ctx, fail, seen);
  return toDeclared(v, declared, value!, fail);
}

function toDeclared(
  v: EvalValue,
  declared: string,
  node: AstNode,
  fail: (node: AstNode, reason: string) => never,
): ConstantValue {
  const t = parseIntType(declared);
  if (t) {
    const c = convert(v, `${typeName(t)}`, node, fail, true) as Extract<EvalValue, { kind: "int" }>;
    return c;
  }
  const size = parseBytesType(declared);
  if (size !== undefined)
    return convert(v, size === null ? "bytes" : `bytes${size}`, node, fail, true) as ConstantValue;
  if (declared === "bool" && v.kind === "bool") return v;
  if (declared === "address" && v.kind === "address") return v;
  if (/^string( (memory|storage|calldata))?$/.test(declared) && v.kind === "string") {
    if (v.text === null) fail(node, "the string is not valid UTF-8");
    return { kind: "string", text: v.text! };
  }
  return fail(node, `a ${v.kind} value cannot be a ${declared}`);
}

/**
 * Solidity's conversion of `v` to `target` (an elementary type name). `implicit` is an assignment or operand
 * conversion (only widening, and literals that fit); otherwise an explicit `T(x)` (truncation allowed as in
 * Solidity).
 */
function convert(
  v: EvalValue,
  target: string,
  node: AstNode,
  fail: (node: AstNode, reason: string) => never,
  implicit: boolean,
): EvalValue {
  const t = parseIntType(target);
  if (t) {
    if (v.kind === "rational") {
      if (v.d !== 1n) fail(node, `the fraction ${v.n}/${v.d} is not an integer`);
      if (v.n < intMin(t) || v.n > intMax(t)) fail(node, `${v.n} does not fit ${typeName(t)}`);
      return { kind: "int", type: t, v: v.n };
    }
    if (v.kind === "int") {
      if (implicit) {
        if (v.v < intMin(t) || v.v > intMax(t)) fail(node, `${v.v} does not fit ${typeName(t)}`);
        return { kind: "int", type: t, v: v.v };
      }
      return { kind: "int", type: t, v: wrap(v.v, t) };
    }
    if (v.kind === "bytes" && v.size !== null && !implicit && v.size * 8 === t.bits) {
      return { kind: "int", type: t, v: wrap(BigInt(v.hex), t) };
    }
    if (v.kind === "address" && !implicit && t.bits === 160 && !t.signed) {
      return { kind: "int", type: t, v: BigInt(v.v) };
    }
    return fail(node, `cannot convert a ${v.kind} value to ${target}`);
  }
  const size = parseBytesType(target);
  if (size === null) {
    if (v.kind === "bytes" && v.size === null) return v;
    if (v.kind === "string") return { kind: "bytes", size: null, hex: v.hex };
    return fail(node, `cannot convert a ${v.kind} value to bytes`);
  }
  if (size !== undefined) {
    if (v.kind === "rational") {
      if (v.d !== 1n || v.n < 0n || v.n >= 1n << BigInt(size * 8))
        fail(node, `${v.n}/${v.d} does not fit bytes${size}`);
      return { kind: "bytes", size, hex: hexOf(v.n, size) };
    }
    if (v.kind === "int" && !implicit && !v.type.signed && v.type.bits === size * 8) {
      return { kind: "bytes", size, hex: hexOf(v.v, size) };
    }
    if (v.kind === "bytes" && v.size !== null && (v.size === size || (!implicit && v.size !== size))) {
      // bytesN -> bytesM keeps the left bytes: truncated or padded on the right.
      const digits = v.hex
        .slice(2)
        .padEnd(size * 2, "0")
        .slice(0, size * 2);
      return { kind: "bytes", size, hex: "0x" + digits };
    }
    if (v.kind === "bytes" && v.size !== null && implicit && v.size < size) {
      return { kind: "bytes", size, hex: "0x" + v.hex.slice(2).padEnd(size * 2, "0") };
    }
    if (v.kind === "string" && (v.hex.length - 2) / 2 <= size) {
      return { kind: "bytes", size, hex: "0x" + v.hex.slice(2).padEnd(size * 2, "0") };
    }
    return fail(node, `cannot convert a ${v.kind} value to bytes${size}`);
  }
  if (target === "address" || target === "address payable") {
    if (v.kind === "address") return v;
    if (v.kind === "int" && !implicit && !v.type.signed && v.type.bits === 160)
      return { kind: "address", v: getAddress(hexOf(v.v, 20)) };
    if (v.kind === "bytes" && !implicit && v.size === 20) return { kind: "address", v: getAddress(v.hex) };
    return fail(node, `cannot convert a ${v.kind} value to address`);
  }
  if (target === "bool" && v.kind === "bool") return v;
  return fail(node, `conversion to ${target} is not supported`);
}

const typeStringOf = (node: AstNode) =>
  (node.typeDescriptions as { typeString?: string } | undefined)?.typeString ?? "";

/** solc's folded value of a literal expression (`int_const 42`; long values are abbreviated, then undefined). */
function solcIntConst(node: AstNode): bigint | undefined {
  const m = /^int_const (-?\d+)$/.exec(typeStringOf(node));
  return m ? BigInt(m[1]) : undefined;
}

/** Parses a number literal as solc reads it: decimal, hex, scientific, underscores, with a subdenomination. */
export function parseNumberLiteral(text: string, subdenomination?: string | null): { n: bigint; d: bigint } {
  const s = text.replace(/_/g, "");
  let n: bigint;
  let d = 1n;
  if (/^0x[0-9a-fA-F]+$/.test(s)) n = BigInt(s);
  else {
    const m = /^(\d*)(?:\.(\d*))?(?:[eE](-?\d+))?$/.exec(s);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) throw new Error(`not a number literal: ${text}`);
    const fraction = m[2] ?? "";
    n = BigInt((m[1] || "0") + fraction);
    d = 10n ** BigInt(fraction.length);
    const exp = Number(m[3] ?? "0");
    if (exp >= 0) n *= 10n ** BigInt(exp);
    else d *= 10n ** BigInt(-exp);
  }
  if (subdenomination) {
    const unit = SUBDENOMINATIONS[subdenomination];
    if (unit === undefined) throw new Error(`unknown unit ${subdenomination}`);
    n *= unit;
  }
  const r = rational(n, d) as Extract<EvalValue, { kind: "rational" }>;
  return { n: r.n, d: r.d };
}

function evaluate(
  node: AstNode,
  ctx: EvalContext,
  fail: (node: AstNode, reason: string) => never,
  seen: Set<number>,
): EvalValue {
  const result = evaluateNode(node, ctx, fail, seen);
  // Cross-check with solc's own folding of literal expressions.
  const folded = solcIntConst(node);
  if (folded !== undefined && (result.kind !== "rational" || result.d !== 1n || result.n !== folded)) {
    fail(node, `the evaluator found ${show(result)} where solc folded ${folded}`);
  }
  return result;
}

function show(v: EvalValue): string {
  switch (v.kind) {
    case "rational":
      return v.d === 1n ? `${v.n}` : `${v.n}/${v.d}`;
    case "int":
      return `${typeName(v.type)} ${v.v}`;
    case "bytes":
    case "string":
      return v.hex;
    default:
      return String(v.v);
  }
}

function evaluateNode(
  node: AstNode,
  ctx: EvalContext,
  fail: (node: AstNode, reason: string) => never,
  seen: Set<number>,
): EvalValue {
  const sub = (n: unknown) => evaluate(n as AstNode, ctx, fail, seen);
  switch (node.nodeType) {
    case "Literal": {
      const kind = node.kind as string;
      if (kind === "number") {
        try {
          const r = parseNumberLiteral(
            node.value as string,
            node.subdenomination as string | null | undefined,
          );
          return rational(r.n, r.d);
        } catch (e) {
          return fail(node, (e as Error).message);
        }
      }
      if (kind === "bool") return { kind: "bool", v: node.value === "true" };
      if (kind === "string" || kind === "unicodeString") {
        return {
          kind: "string",
          text: (node.value as string | null) ?? null,
          hex: "0x" + (node.hexValue as string),
        };
      }
      if (kind === "hexString") return { kind: "bytes", size: null, hex: "0x" + (node.hexValue as string) };
      return fail(node, `a ${kind} literal`);
    }
    case "TupleExpression": {
      const parts = node.components as (AstNode | null)[];
      if (node.isInlineArray || parts.length !== 1 || !parts[0]) return fail(node, "a tuple or an array");
      return sub(parts[0]);
    }
    case "Identifier":
      return reference(node);
    case "MemberAccess": {
      const member = node.memberName as string;
      const base = node.expression as AstNode;
      // type(uintN).max / .min
      if (
        (member === "max" || member === "min") &&
        base.nodeType === "FunctionCall" &&
        (base.expression as AstNode).nodeType === "Identifier" &&
        (base.expression as AstNode).name === "type"
      ) {
        const arg = (base.arguments as AstNode[])[0];
        const t = parseIntType(((arg.typeName as AstNode | undefined)?.name as string) ?? "");
        if (!t) return fail(node, "type(...).min/max of a non-integer type");
        return { kind: "int", type: t, v: member === "max" ? intMax(t) : intMin(t) };
      }
      // Library.CONSTANT
      if (typeof node.referencedDeclaration === "number") return reference(node);
      return fail(node, `the member ${member}`);
    }
    case "UnaryOperation": {
      const op = node.operator as string;
      const v = sub(node.subExpression);
      if (!node.prefix) return fail(node, `the postfix operator ${op}`);
      if (op === "-") {
        if (v.kind === "rational") return rational(-v.n, v.d);
        if (v.kind === "int" && v.type.signed) return checked(-v.v, v.type, node, fail);
        return fail(node, "unary minus on this type");
      }
      if (op === "~") {
        if (v.kind === "rational" && v.d === 1n) return rational(-v.n - 1n);
        if (v.kind === "int") return { kind: "int", type: v.type, v: wrap(~v.v, v.type) };
        if (v.kind === "bytes" && v.size !== null) {
          return {
            kind: "bytes",
            size: v.size,
            hex: hexOf(BigInt.asUintN(v.size * 8, ~BigInt(v.hex)), v.size),
          };
        }
        return fail(node, "~ on this type");
      }
      if (op === "!" && v.kind === "bool") return { kind: "bool", v: !v.v };
      return fail(node, `the operator ${op}`);
    }
    case "BinaryOperation":
      return binary(node, sub(node.leftExpression), sub(node.rightExpression), fail);
    case "FunctionCall": {
      const kind = node.kind as string;
      const callee = node.expression as AstNode;
      const args = node.arguments as AstNode[];
      if (kind === "typeConversion") {
        if (args.length !== 1) return fail(node, "a conversion of several values");
        const target = typeStringOf(node);
        if (callee.nodeType !== "ElementaryTypeNameExpression")
          return fail(node, `a conversion to ${target}`);
        return convert(sub(args[0]), target, node, fail, false);
      }
      if (kind === "functionCall" && callee.nodeType === "Identifier" && callee.name === "keccak256") {
        const arg = sub(args[0]);
        if (arg.kind !== "string" && !(arg.kind === "bytes" && arg.size === null)) {
          return fail(node, `keccak256 of a ${arg.kind} value (only string and bytes literals or constants)`);
        }
        return { kind: "bytes", size: 32, hex: keccak256(arg.hex) };
      }
      const what =
        callee.nodeType === "MemberAccess" ? `${memberPath(callee)}(...)` : `${callee.name ?? kind}(...)`;
      return fail(node, `the call ${what}`);
    }
    default:
      return fail(node, "an expression the evaluator does not know");
  }

  function reference(ref: AstNode): EvalValue {
    const id = ref.referencedDeclaration as number | undefined;
    const decl = id === undefined ? undefined : ctx.declaration(id);
    if (!decl || decl.nodeType !== "VariableDeclaration" || decl.constant !== true) {
      return fail(ref, `the name ${ref.name ?? ref.memberName} is not a constant`);
    }
    const c = evaluateConstant(decl, ctx, seen);
    if (c.kind === "string")
      return { kind: "string", text: c.text, hex: "0x" + Buffer.from(c.text, "utf8").toString("hex") };
    return c;
  }
}

function memberPath(n: AstNode): string {
  if (n.nodeType === "MemberAccess") return `${memberPath(n.expression as AstNode)}.${n.memberName}`;
  return (n.name as string) ?? n.nodeType;
}

function checked(
  v: bigint,
  t: IntType,
  node: AstNode,
  fail: (node: AstNode, reason: string) => never,
): EvalValue {
  if (v < intMin(t) || v > intMax(t))
    fail(node, `${v} overflows ${typeName(t)} (checked arithmetic reverts)`);
  return { kind: "int", type: t, v };
}

function binary(
  node: AstNode,
  l: EvalValue,
  r: EvalValue,
  fail: (node: AstNode, reason: string) => never,
): EvalValue {
  const op = node.operator as string;
  const resultType = typeStringOf(node);
  // Literal expressions: exact rational arithmetic, as solc folds them.
  if (l.kind === "rational" && r.kind === "rational") {
    const integers = l.d === 1n && r.d === 1n;
    const needIntegers = () => {
      if (!integers) fail(node, `${op} on a fraction`);
    };
    switch (op) {
      case "+":
        return rational(l.n * r.d + r.n * l.d, l.d * r.d);
      case "-":
        return rational(l.n * r.d - r.n * l.d, l.d * r.d);
      case "*":
        return rational(l.n * r.n, l.d * r.d);
      case "/":
        if (r.n === 0n) fail(node, "division by zero");
        return rational(l.n * r.d, l.d * r.n);
      case "%":
        needIntegers();
        if (r.n === 0n) fail(node, "modulo by zero");
        return rational(l.n % r.n);
      case "**":
        if (r.d !== 1n || r.n < 0n || r.n > 4096n)
          fail(node, "an exponent that is not a small non-negative integer");
        return rational(l.n ** r.n, l.d ** r.n);
      case "<<":
        needIntegers();
        if (r.n < 0n || r.n > 4096n) fail(node, "a shift that is negative or too large");
        return rational(l.n << r.n);
      case ">>":
        needIntegers();
        if (r.n < 0n) fail(node, "a negative shift");
        return rational(l.n >> r.n); // BigInt >> rounds towards negative infinity, as solc >= 0.5 does
      case "&":
        needIntegers();
        return rational(l.n & r.n);
      case "|":
        needIntegers();
        return rational(l.n | r.n);
      case "^":
        needIntegers();
        return rational(l.n ^ r.n);
    }
    return comparison(op, l.n * r.d, r.n * l.d, node, fail);
  }
  if (l.kind === "bool" && r.kind === "bool") {
    if (op === "&&") return { kind: "bool", v: l.v && r.v };
    if (op === "||") return { kind: "bool", v: l.v || r.v };
    if (op === "==") return { kind: "bool", v: l.v === r.v };
    if (op === "!=") return { kind: "bool", v: l.v !== r.v };
    return fail(node, `the operator ${op} on bool`);
  }
  // Shifts: the result has the left operand's type; the right one is any unsigned amount.
  if (op === "<<" || op === ">>") {
    const left = l.kind === "rational" ? convert(l, resultType, node, fail, true) : l;
    const amount = r.kind === "rational" ? r.n : r.kind === "int" && !r.type.signed ? r.v : -1n;
    if (r.kind === "rational" && r.d !== 1n) fail(node, "a fractional shift");
    if (amount < 0n) fail(node, "a shift by a negative or signed amount");
    if (left.kind === "int") {
      if (left.type.signed) fail(node, "a shift of a signed integer");
      const v = op === "<<" ? left.v << amount : left.v >> amount;
      return { kind: "int", type: left.type, v: BigInt.asUintN(left.type.bits, v) };
    }
    if (left.kind === "bytes" && left.size !== null) {
      const bits = left.size * 8;
      const v = op === "<<" ? BigInt(left.hex) << amount : BigInt(left.hex) >> amount;
      return { kind: "bytes", size: left.size, hex: hexOf(BigInt.asUintN(bits, v), left.size) };
    }
    return fail(node, `a shift of a ${left.kind} value`);
  }
  const common = (node.commonType as { typeString?: string } | undefined)?.typeString ?? resultType;
  const a = convert(l, common, node, fail, true);
  const b = convert(r, common, node, fail, true);
  if (a.kind === "int" && b.kind === "int") {
    const t = a.type;
    switch (op) {
      case "+":
        return checked(a.v + b.v, t, node, fail);
      case "-":
        return checked(a.v - b.v, t, node, fail);
      case "*":
        return checked(a.v * b.v, t, node, fail);
      case "/":
        if (b.v === 0n) fail(node, "division by zero");
        return checked(a.v / b.v, t, node, fail); // BigInt division truncates towards zero, as Solidity's
      case "%":
        if (b.v === 0n) fail(node, "modulo by zero");
        return checked(a.v % b.v, t, node, fail);
      case "**":
        if (b.v < 0n || b.v > 4096n) fail(node, "an exponent that is negative or too large");
        return checked(a.v ** b.v, t, node, fail);
      case "&":
        return { kind: "int", type: t, v: a.v & b.v };
      case "|":
        return { kind: "int", type: t, v: a.v | b.v };
      case "^":
        return { kind: "int", type: t, v: a.v ^ b.v };
    }
    return comparison(op, a.v, b.v, node, fail);
  }
  if (a.kind === "bytes" && b.kind === "bytes" && a.size !== null && a.size === b.size) {
    const x = BigInt(a.hex);
    const y = BigInt(b.hex);
    if (op === "&") return { kind: "bytes", size: a.size, hex: hexOf(x & y, a.size) };
    if (op === "|") return { kind: "bytes", size: a.size, hex: hexOf(x | y, a.size) };
    if (op === "^") return { kind: "bytes", size: a.size, hex: hexOf(x ^ y, a.size) };
    return comparison(op, x, y, node, fail);
  }
  return fail(node, `the operator ${op} on ${a.kind} and ${b.kind} values`);
}

function comparison(
  op: string,
  a: bigint,
  b: bigint,
  node: AstNode,
  fail: (node: AstNode, reason: string) => never,
): EvalValue {
  switch (op) {
    case "==":
      return { kind: "bool", v: a === b };
    case "!=":
      return { kind: "bool", v: a !== b };
    case "<":
      return { kind: "bool", v: a < b };
    case "<=":
      return { kind: "bool", v: a <= b };
    case ">":
      return { kind: "bool", v: a > b };
    case ">=":
      return { kind: "bool", v: a >= b };
  }
  return fail(node, `the operator ${op}`);
}

// ------------------------------------------------------------------------------------------------ extraction

/** One declaration of a contract (or of a file, for file-level declarations), in source order. */
export type Member =
  | { kind: "constant"; name: string; solidityType: string; value: ConstantValue }
  | { kind: "enum"; name: string; members: string[] }
  | { kind: "error"; name: string; signature: string; selector: string }
  | { kind: "lookup"; name: string; solidity: string; cases: { code: number; text: string }[] };

export interface ContractValues {
  /** The contract, library or interface name (for file-level declarations: the file's name without `.sol`). */
  name: string;
  source: string;
  members: Member[];
}

export interface SkippedConstant {
  name: string;
  solidityType: string;
}

export interface ExtractedValues {
  contracts: ContractValues[];
  /** Constants that are not values (their type is not an integer, bool, bytes, string or address). */
  skipped: SkippedConstant[];
}

/**
 * Pure library functions generated as tables (`code -> text`): each must consist of `if (param == CODE) return
 * "text";` statements and a final `return "default";`. Their default text is not generated.
 */
export const LOOKUP_FUNCTIONS: readonly { contract: string; fn: string }[] = [
  { contract: "TransferRestrictions", fn: "message" },
];

/** Which sources are generated: contracts/ without the test-only contracts/mocks/. */
export function isGeneratedSource(source: string): boolean {
  return source.startsWith("contracts/") && !source.startsWith("contracts/mocks/");
}

function lineOf(content: string | undefined, src: string | undefined): number | undefined {
  if (!content || !src) return undefined;
  const start = Number(src.split(":")[0]);
  return Buffer.from(content, "utf8").subarray(0, start).toString("utf8").split("\n").length;
}

/**
 * Extracts every enum, constant, custom error and lookup table of the generated sources from Hardhat build-infos.
 * Each source is read from its build-info in `owners`, else from the first build-info holding it (the build-infos of
 * one compile have the same AST for a source; node ids differ, so a constant's references are resolved inside its own
 * build-info). After incremental compiles, build-infos of different compiles can hold different texts of a source:
 * `owners` then names the newest (scripts/tasks/values.ts takes the one the source's artifacts name).
 */
export function extractValues(
  buildInfos: readonly BuildInfoLike[],
  sources?: readonly string[],
  owners?: ReadonlyMap<string, BuildInfoLike>,
): ExtractedValues {
  // A source is read from the build-info `owners` names for it (the compile that built it last); an older build-info
  // can still hold an earlier text of it, as a dependency of contracts that were not recompiled since. Without an
  // owner, from the first build-info that holds it.
  const owner = new Map<string, BuildInfoLike>();
  for (const [source, bi] of owners ?? []) if (isGeneratedSource(source)) owner.set(source, bi);
  for (const bi of buildInfos) {
    for (const source of Object.keys(bi.output.sources)) {
      if (isGeneratedSource(source) && !owner.has(source)) owner.set(source, bi);
    }
  }
  for (const s of sources ?? []) {
    if (!owner.has(s))
      throw new ContractValuesError(`${s} is in no build-info: run \`npx hardhat compile\` first`);
  }
  const indexes = new Map<BuildInfoLike, { byId: Map<number, AstNode>; parent: Map<number, AstNode> }>();
  const indexOf = (bi: BuildInfoLike) => {
    let index = indexes.get(bi);
    if (!index) {
      index = { byId: new Map(), parent: new Map() };
      for (const { ast } of Object.values(bi.output.sources)) walk(ast, undefined, index);
      indexes.set(bi, index);
    }
    return index;
  };

  const contracts: ContractValues[] = [];
  const skipped: SkippedConstant[] = [];
  const byName = new Map<string, string>();
  for (const source of [...owner.keys()].sort()) {
    const bi = owner.get(source)!;
    const index = indexOf(bi);
    const sourceOf = new Map<number, string>();
    for (const [s, o] of Object.entries(bi.output.sources)) sourceOf.set(o.ast.id as number, s);
    const fileOf = (node: AstNode): string | undefined => {
      let n: AstNode | undefined = node;
      while (n && n.nodeType !== "SourceUnit") n = index.parent.get(n.id as number);
      return n ? sourceOf.get(n.id as number) : undefined;
    };
    const scopeName = (node: AstNode): string => {
      const p = index.parent.get(node.id as number);
      if (p?.nodeType === "ContractDefinition") return p.name as string;
      const file = fileOf(node);
      return file
        ? file
            .split("/")
            .pop()!
            .replace(/\.sol$/, "")
        : "?";
    };
    const ctx: EvalContext = {
      declaration: (id) => index.byId.get(id),
      describe: (decl) => `${scopeName(decl)}.${decl.name}`,
      locate: (node) => {
        const file = fileOf(node);
        const line = file ? lineOf(bi.input.sources[file]?.content, node.src) : undefined;
        return file ? `${file}${line ? `:${line}` : ""}` : "";
      },
    };
    const unit = bi.output.sources[source].ast;
    const scopes: { name: string; nodes: AstNode[]; abi?: readonly unknown[] }[] = [];
    const fileLevel = (unit.nodes as AstNode[]).filter((n) => n.nodeType !== "ContractDefinition");
    const base = source
      .split("/")
      .pop()!
      .replace(/\.sol$/, "");
    scopes.push({ name: base, nodes: fileLevel });
    for (const c of (unit.nodes as AstNode[]).filter((n) => n.nodeType === "ContractDefinition")) {
      scopes.push({
        name: c.name as string,
        nodes: c.nodes as AstNode[],
        abi: bi.output.contracts[source]?.[c.name!]?.abi,
      });
    }
    for (const scope of scopes) {
      const members: Member[] = [];
      for (const n of scope.nodes) {
        if (n.nodeType === "EnumDefinition") {
          members.push({
            kind: "enum",
            name: n.name!,
            members: (n.members as AstNode[]).map((m) => m.name!),
          });
        } else if (n.nodeType === "VariableDeclaration" && n.constant === true) {
          const solidityType = typeStringOf(n);
          if (!isValueType(solidityType)) {
            skipped.push({ name: `${scope.name}.${n.name}`, solidityType });
            continue;
          }
          members.push({ kind: "constant", name: n.name!, solidityType, value: evaluateConstant(n, ctx) });
        } else if (n.nodeType === "ErrorDefinition") {
          members.push(errorMember(scope.name, n, scope.abi, buildInfoAbis(bi)));
        } else if (
          n.nodeType === "FunctionDefinition" &&
          LOOKUP_FUNCTIONS.some((f) => f.contract === scope.name && f.fn === n.name)
        ) {
          members.push(lookupMember(`${scope.name}.${n.name}`, n, ctx));
        }
      }
      if (members.length === 0) continue;
      const clash = byName.get(scope.name);
      if (clash !== undefined) {
        throw new ContractValuesError(
          `Two scopes named ${scope.name} (${clash} and ${source}): the generated module groups values by contract name`,
        );
      }
      byName.set(scope.name, source);
      contracts.push({ name: scope.name, source, members });
    }
  }
  for (const l of LOOKUP_FUNCTIONS) {
    const c = contracts.find((x) => x.name === l.contract);
    if (!c?.members.some((m) => m.kind === "lookup" && m.name === l.fn)) {
      throw new ContractValuesError(`${l.contract}.${l.fn} was not found in contracts/ (LOOKUP_FUNCTIONS)`);
    }
  }
  contracts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { contracts, skipped };
}

function walk(
  node: unknown,
  parent: AstNode | undefined,
  index: { byId: Map<number, AstNode>; parent: Map<number, AstNode> },
) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, parent, index);
    return;
  }
  const n = node as AstNode;
  let next = parent;
  if (typeof n.nodeType === "string" && typeof n.id === "number") {
    index.byId.set(n.id, n);
    if (parent) index.parent.set(n.id, parent);
    next = n;
  }
  for (const key of Object.keys(n)) {
    const child = n[key];
    if (child && typeof child === "object") walk(child, next, index);
  }
}

function isValueType(typeString: string): boolean {
  return (
    parseIntType(typeString) !== undefined ||
    parseBytesType(typeString) !== undefined ||
    typeString === "bool" ||
    typeString === "address" ||
    /^string( (memory|storage|calldata))?$/.test(typeString)
  );
}

const abiCache = new WeakMap<BuildInfoLike, unknown[]>();
function buildInfoAbis(bi: BuildInfoLike): unknown[] {
  let all = abiCache.get(bi);
  if (!all) {
    all = Object.values(bi.output.contracts).flatMap((file) => Object.values(file).flatMap((c) => c.abi));
    abiCache.set(bi, all);
  }
  return all;
}

/** An error's canonical signature, from an ABI entry whose selector is the one solc gives in the AST. */
function errorMember(
  scope: string,
  n: AstNode,
  abi: readonly unknown[] | undefined,
  fallback: unknown[],
): Member {
  const selector = "0x" + ((n.errorSelector as string | undefined) ?? "");
  const match = (entries: readonly unknown[]) =>
    entries
      .filter(
        (e) =>
          (e as { type?: string; name?: string }).type === "error" &&
          (e as { name?: string }).name === n.name,
      )
      .map((e) => ErrorFragment.from(e as never))
      .find((f) => f.selector === selector);
  const fragment = match(abi ?? []) ?? match(fallback);
  if (selector === "0x" || !fragment) {
    throw new ContractValuesError(`No ABI entry of error ${scope}.${n.name} has the selector ${selector}`);
  }
  return { kind: "error", name: n.name!, signature: fragment.format("sighash"), selector };
}

/** `if (code == X) return "text";` ... `return "default";` -> its cases. */
function lookupMember(name: string, fn: AstNode, ctx: EvalContext): Member {
  const bad = (why: string): never => {
    throw new ContractValuesError(
      `${name} (${ctx.locate(fn)}) is not a lookup table the generator reads: ${why}. Its form must be ` +
        '`if (code == CONSTANT) return "text";` statements and a final `return "text";`',
    );
  };
  const params = (fn.parameters as { parameters: AstNode[] }).parameters;
  if (params.length !== 1 || !parseIntType(typeStringOf(params[0]))) bad("it must take one integer");
  const param = params[0].id;
  const statements =
    ((fn.body as AstNode | undefined)?.statements as AstNode[] | undefined) ?? bad("no body");
  const cases: { code: number; text: string }[] = [];
  statements.forEach((s, i) => {
    const last = i === statements.length - 1;
    if (last) {
      if (s.nodeType !== "Return" || !isStringLiteral(s.expression as AstNode))
        bad("the last statement must return a text");
      return;
    }
    if (s.nodeType !== "IfStatement" || s.falseBody) bad(`statement ${i + 1} is not an if without else`);
    const cond = s.condition as AstNode;
    const body = s.trueBody as AstNode;
    const ret = body.nodeType === "Return" ? body : undefined;
    if (
      cond.nodeType !== "BinaryOperation" ||
      cond.operator !== "==" ||
      (cond.leftExpression as AstNode).referencedDeclaration !== param ||
      !ret ||
      !isStringLiteral(ret.expression as AstNode)
    ) {
      bad(`statement ${i + 1} is not \`if (code == X) return "text";\``);
    }
    const code = evaluate(
      cond.rightExpression as AstNode,
      ctx,
      (node, reason) => bad(`${reason} (${node.nodeType})`),
      new Set(),
    );
    const c =
      code.kind === "int"
        ? code.v
        : code.kind === "rational" && code.d === 1n
          ? code.n
          : bad("a code that is not an integer");
    if (cases.some((x) => BigInt(x.code) === c)) bad(`the code ${c} appears twice`);
    cases.push({ code: Number(c), text: (ret!.expression as AstNode).value as string });
  });
  return { kind: "lookup", name: fn.name!, solidity: `function ${fn.name}`, cases };
}

const isStringLiteral = (n: AstNode | undefined) =>
  n?.nodeType === "Literal" && n.kind === "string" && typeof n.value === "string";

// ------------------------------------------------------------------------------------------------ rendering

/** The rule, stated in the generated file: integer types of at most 48 bits are `number`, wider ones `bigint`. */
export const MAX_NUMBER_BITS = 48;

function literal(value: ConstantValue): string {
  switch (value.kind) {
    case "int":
      return value.type.bits <= MAX_NUMBER_BITS ? grouped(value.v) : `${grouped(value.v)}n`;
    case "bytes":
      return JSON.stringify(value.hex);
    case "string":
      return JSON.stringify(value.text);
    case "bool":
      return String(value.v);
    case "address":
      return JSON.stringify(value.v);
  }
}

/** Decimal digits in groups of three from 10,000 up (`86_400`), as the contracts write them; very long ones whole. */
function grouped(v: bigint): string {
  const digits = (v < 0n ? -v : v).toString();
  if (digits.length < 5 || digits.length > 24) return v.toString();
  return (v < 0n ? "-" : "") + digits.replace(/\B(?=(\d{3})+(?!\d))/g, "_");
}

/** The module's text (before Prettier). `generator` names the code that wrote it. */
export function renderValuesModule(values: ExtractedValues): string {
  const out: string[] = [];
  out.push(
    "/**",
    " * GENERATED FILE, DO NOT EDIT. The values the contracts define, from the solc output of contracts/ (mocks",
    " * excluded): every enum (members in order, as numbers), every constant, every custom error (signature and",
    " * selector) and the restriction texts of TransferRestrictions.message, grouped by the contract that declares them",
    " * (`Roles.ISSUER`, `IFundManagerTypes.RequestStatus.Pending`, `ComplianceBase.RULE_COUNTRY`).",
    " *",
    " * Written by `npx hardhat compile` (scripts/tasks/values.ts, scripts/lib/contract-values.ts) when a contract",
    " * changed; `npx hardhat values:generate` rewrites it; `npx hardhat values:check` (in `npm run lint`) fails when",
    " * it differs from what the contracts produce.",
    " *",
    ` * Integers: \`number\` when the Solidity type has at most ${MAX_NUMBER_BITS} bits (uint8 ... uint48, int8 ... int48; enum`,
    " * members), `bigint` for wider types (uint56 ... uint256), whatever the value. bytesN: 0x-prefixed lowercase hex.",
    " *",
    values.skipped.length === 0
      ? " * Skipped constants (not values): none."
      : ` * Skipped constants (not values): ${values.skipped.map((s) => `${s.name} (${s.solidityType})`).join(", ")}.`,
    " */",
    "",
  );
  for (const c of values.contracts) {
    out.push(`/** ${c.source} */`, `export const ${c.name} = {`);
    for (const m of c.members) {
      switch (m.kind) {
        case "constant":
          out.push(`/** ${m.solidityType} */`, `${m.name}: ${literal(m.value)},`);
          break;
        case "enum":
          out.push(
            `/** enum ${m.name} */`,
            `${m.name}: { ${m.members.map((x, i) => `${x}: ${i}`).join(", ")} },`,
          );
          break;
        case "error":
          out.push(
            `${m.name}: { signature: ${JSON.stringify(m.signature)}, selector: ${JSON.stringify(m.selector)} },`,
          );
          break;
        case "lookup":
          out.push(
            `/** ${m.solidity}: its text of each code */`,
            `${m.name}: { ${m.cases.map((x) => `${x.code}: ${JSON.stringify(x.text)}`).join(", ")} },`,
          );
          break;
      }
    }
    out.push("} as const;", "");
  }
  return out.join("\n");
}
