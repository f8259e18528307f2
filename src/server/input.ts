/**
 * Typed, strict reading of a request's query string or JSON body, declared once per route:
 * the same declaration checks the request (an unknown field is a usage error, as an unknown
 * flag is on the command line) and documents the route in `/openapi.json`.
 *
 * @module
 */

import { usageError } from "../core/errors.ts";

/** The type of a declared field. */
export type FieldType = "string" | "string[]" | "boolean" | "number" | "object" | "array";

/** A declared query or body field. */
export interface FieldSpec {
  type: FieldType;
  description: string;
  required?: boolean;
}

/** Declared fields by name. */
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** A query string as a record (repeated keys become arrays). */
export function queryRecord(params: URLSearchParams): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    record[key] = values.length === 1 ? values[0] : values;
  }
  return record;
}

/** Declared fields of one request part, read with their types. */
export class Input {
  readonly #values: Record<string, unknown>;
  readonly #where: "query" | "body";
  readonly #fromQuery: boolean;

  /** Check `values` against `specs`: unknown and missing required fields are usage errors. */
  constructor(values: Record<string, unknown>, specs: FieldSpecs, where: "query" | "body") {
    this.#values = values;
    this.#where = where;
    this.#fromQuery = where === "query";
    for (const key of Object.keys(values)) {
      if (!Object.hasOwn(specs, key)) {
        throw usageError(
          `unknown ${where} field "${key.slice(0, 80)}"`,
          Object.keys(specs).length === 0
            ? `this route takes no ${where} fields`
            : `known: ${Object.keys(specs).join(", ")}`,
        );
      }
    }
    for (const [key, spec] of Object.entries(specs)) {
      if (spec.required === true && values[key] === undefined) {
        throw usageError(`missing ${where} field "${key}"`);
      }
    }
  }

  #wrong(name: string, expected: string): never {
    throw usageError(`invalid ${this.#where} field "${name}": expected ${expected}`);
  }

  /** Whether the field was given at all. */
  has(name: string): boolean {
    return this.#values[name] !== undefined;
  }

  /** A string field (the last one of a repeated query key). */
  string(name: string): string | undefined {
    let value = this.#values[name];
    if (value === undefined) return undefined;
    if (this.#fromQuery && Array.isArray(value)) value = value[value.length - 1];
    if (typeof value !== "string") this.#wrong(name, "a string");
    return value;
  }

  /** A required string field. */
  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw usageError(`missing ${this.#where} field "${name}"`);
    return value;
  }

  /** A list of strings: an array, a single string, or (query) a repeated key. */
  strings(name: string): string[] {
    const value = this.#values[name];
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === "string")) this.#wrong(name, "a list of strings");
    return list as string[];
  }

  /** A boolean field (`true`/`false`, or in a query also `1`/`0` and a bare key). */
  boolean(name: string): boolean {
    let value = this.#values[name];
    if (value === undefined) return false;
    if (typeof value === "boolean") return value;
    if (this.#fromQuery) {
      if (Array.isArray(value)) value = value[value.length - 1];
      if (value === "" || value === "true" || value === "1") return true;
      if (value === "false" || value === "0") return false;
    }
    return this.#wrong(name, "true or false");
  }

  /** A number given as a JSON number or numeric text, as text for the CLI's parsers. */
  numberText(name: string): string | undefined {
    const value = this.#values[name];
    if (value === undefined) return undefined;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    if (typeof value === "string") return value;
    return this.#wrong(name, "a number");
  }

  /** A JSON object field. */
  object(name: string): Record<string, unknown> | undefined {
    const value = this.#values[name];
    if (value === undefined) return undefined;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.#wrong(name, "an object");
    }
    return value as Record<string, unknown>;
  }

  /** Any JSON value, unchecked (the use case validates it). */
  raw(name: string): unknown {
    return this.#values[name];
  }
}
