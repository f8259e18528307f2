/**
 * The OpenAPI 3.1 document of `tm serve`, generated from the route table so that it cannot
 * drift from what the server answers (a test checks both directions).
 *
 * @module
 */

import { VERSION } from "../version.ts";
import type { FieldSpec, FieldSpecs } from "./input.ts";
import { type Route, ROUTES } from "./routes.ts";

/** The live event stream, served beside the route table. */
export const EVENTS_PATH = "/api/v1/events";

/** Query fields of the event stream. */
export const EVENTS_QUERY: FieldSpecs = {
  since: { type: "string", description: "resume after this event id (Last-Event-ID wins)" },
  task: { type: "string", description: "only events of this task (id or unique prefix)" },
  agent: { type: "string", description: "only events caused by this agent" },
  type: { type: "string[]", description: "only events of these types (repeat or comma-separate)" },
};

function schemaOf(spec: FieldSpec): Record<string, unknown> {
  switch (spec.type) {
    case "string[]":
      return { type: "array", items: { type: "string" } };
    case "array":
      return { type: "array", items: { type: "object" } };
    default:
      return { type: spec.type };
  }
}

const ERROR = { $ref: "#/components/responses/Error" };

function operation(route: Route): Record<string, unknown> {
  const parameters: Array<Record<string, unknown>> = [];
  for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
    parameters.push({
      name: name.slice(1, -1),
      in: "path",
      required: true,
      schema: { type: "string" },
    });
  }
  for (const [name, spec] of Object.entries(route.query ?? {})) {
    parameters.push({ name, in: "query", description: spec.description, schema: schemaOf(spec) });
  }
  const op: Record<string, unknown> = {
    operationId: `${route.method.toLowerCase()}${
      route.path.replace("/api/v1", "").replace(/\{(\w+)\}/g, "by_$1").replace(
        /[^A-Za-z0-9]+/g,
        "_",
      )
    }`,
    summary: route.summary,
    description: `Scope: ${route.scope}. CLI: tm ${route.cli}.`,
    parameters,
    responses: {
      [String(route.status ?? 200)]: { $ref: "#/components/responses/Document" },
      "400": ERROR,
      "401": ERROR,
      "403": ERROR,
      "404": ERROR,
      "409": ERROR,
      "422": ERROR,
      "503": ERROR,
    },
  };
  if (route.body !== undefined) {
    const required = Object.entries(route.body).filter(([, s]) => s.required === true).map(
      ([name]) => name,
    );
    op.requestBody = {
      required: required.length > 0,
      content: {
        "application/json": {
          schema: {
            type: "object",
            additionalProperties: false,
            ...(required.length > 0 ? { required } : {}),
            properties: Object.fromEntries(
              Object.entries(route.body).map((
                [name, spec],
              ) => [name, { ...schemaOf(spec), description: spec.description }]),
            ),
          },
        },
      },
    };
  }
  return op;
}

/** The OpenAPI 3.1 document. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  paths[EVENTS_PATH] = {
    get: {
      operationId: "get_events",
      summary: "Live events as Server-Sent Events; id: is the event id, resume with Last-Event-ID",
      description: "Scope: read. Each frame: id: <event id>, data: the event as JSON.",
      parameters: Object.entries(EVENTS_QUERY).map(([name, spec]) => ({
        name,
        in: "query",
        description: spec.description,
        schema: schemaOf(spec),
      })),
      responses: {
        "200": { description: "an event stream", content: { "text/event-stream": {} } },
        "400": ERROR,
        "401": ERROR,
        "403": ERROR,
        "404": ERROR,
        "503": ERROR,
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "tm API",
      version: VERSION,
      description:
        "The task orchestrator's HTTP API. Bodies are the CLI's --json documents (with schema_version); errors are {error: {code, message, hint, retryable}}.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, {}],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: {
        Document: {
          description: "the same JSON document as the CLI's --json",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["schema_version"],
                properties: { schema_version: { type: "integer" } },
              },
            },
          },
        },
        Error: {
          description: "an error of the agent contract",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["error"],
                properties: {
                  error: {
                    type: "object",
                    required: ["code", "message", "retryable"],
                    properties: {
                      code: { type: "string" },
                      exit_code: { type: "integer" },
                      message: { type: "string" },
                      hint: { type: "string" },
                      retryable: { type: "boolean" },
                      details: { type: "object" },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
