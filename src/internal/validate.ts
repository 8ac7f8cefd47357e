/**
 * A fast validity check compiled from a schema's AST, for the pipeline's hot path.
 *
 * Decoding a large listing spends as long in `Schema.is` as in `JSON.parse`: the generic parser
 * builds an output object and an `Either` at every node. Resource schemas use a small subset of
 * the AST (structs with an `unknown` index signature, unions, literals, arrays, keywords), which
 * compiles to plain predicates. Any other node (refinement, declaration, suspension, ...) defers
 * to `Schema.is` for that subtree, so the check never accepts what the schema rejects; a test holds
 * it equal to `Schema.is` on generated and mutated values.
 * @internal
 */
import { Option, Schema, type SchemaAST as AST } from "effect"
import { isRecord } from "./record.js"

type Check = (u: unknown) => boolean

/**
 * An annotation for `Schema.declare` schemas: the declaration's own predicate, which the compiled
 * check then calls directly (instead of going through `Schema.is` for that subtree). Only for
 * declarations without type parameters whose decoding is exactly that predicate.
 */
export const CheckAnnotationId: unique symbol = Symbol.for("effect-bitbucket/CheckAnnotation")

const hasOwn = Object.prototype.hasOwnProperty

const always: Check = () => true

const compile = (ast: AST.AST): Check => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "UndefinedKeyword":
      return (u) => u === undefined
    case "UnknownKeyword":
    case "AnyKeyword":
      return always
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Declaration": {
      const check = ast.annotations[CheckAnnotationId]
      if (ast.typeParameters.length === 0 && typeof check === "function") return check as Check
      break
    }
    case "Union": {
      // A string keyword covers the string literals beside it (`Union(Literal("a"), String)`).
      const anyString = ast.types.some((member) => member._tag === "StringKeyword")
      const types = anyString ? ast.types.filter((member) => !(member._tag === "Literal" && typeof member.literal === "string")) : ast.types
      const members = types.map(compile)
      if (members.length === 1) return members[0]!
      if (members.length === 2) {
        // The common shapes: optional fields (`X | undefined`) and nullable ones (`X | null`).
        const [a, b] = members as [Check, Check]
        return (u) => a(u) || b(u)
      }
      return (u) => {
        for (const member of members) if (member(u)) return true
        return false
      }
    }
    case "Refinement": {
      const from = compile(ast.from)
      return (u) => from(u) && Option.isNone(ast.filter(u, {}, ast))
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) break
      const item = compile(ast.rest[0]!.type)
      return (u) => {
        if (!Array.isArray(u)) return false
        for (const element of u) if (!item(element)) return false
        return true
      }
    }
    case "TypeLiteral": {
      const openIndex = ast.indexSignatures.length === 1 &&
        ast.indexSignatures[0]!.parameter._tag === "StringKeyword" &&
        (ast.indexSignatures[0]!.type._tag === "UnknownKeyword" || ast.indexSignatures[0]!.type._tag === "AnyKeyword")
      if (ast.indexSignatures.length > 0 && !openIndex) break
      if (ast.propertySignatures.some((property) => typeof property.name !== "string")) break
      const properties = ast.propertySignatures.map((property) => ({
        name: property.name as string,
        optional: property.isOptional,
        check: compile(property.type)
      }))
      return (u) => {
        if (!isRecord(u)) return false
        for (const property of properties) {
          if (hasOwn.call(u, property.name)) {
            if (!property.check(u[property.name])) return false
          } else if (!property.optional) {
            return false // as Schema.is (exact): a required key must be present
          }
        }
        return true
      }
    }
  }
  // Anything else: the schema library's own check for that subtree.
  return Schema.is(Schema.make(ast))
}

const compiled = new WeakMap<AST.AST, Check>()

/** The compiled check of a schema's AST (cached). */
export const validator = (ast: AST.AST): Check => {
  let check = compiled.get(ast)
  if (check === undefined) {
    check = compile(ast)
    compiled.set(ast, check)
  }
  return check
}
