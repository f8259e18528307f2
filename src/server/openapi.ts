/**
 * The OpenAPI 3.1 document of `tm serve`, generated from the route table so that it cannot
 * drift from what the server answers (a test checks both directions).
 *
 * @module
 */

import { VERSION } from "../version.ts";
import {
  COMMAND_LINE_PATH,
  FILE_NAME_PATTERN,
  MAX_ARGV,
  MAX_FILES,
  REMOTE_COMMANDS,
} from "./command_line.ts";
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

/** The MCP endpoint's path (docs/mcp.md). */
export const MCP_PATH = "/mcp";

/** Paths answered beside the route table, each documented below by hand. */
export const EXTRA_OPERATIONS: readonly string[] = [
  `GET ${EVENTS_PATH}`,
  `POST ${COMMAND_LINE_PATH}`,
  `POST ${MCP_PATH}`,
];

/** A header parameter. */
function header(name: string, description: string, schema: object): Record<string, unknown> {
  return { name, in: "header", description, schema };
}

/** A required JSON request body of `schema`. */
function jsonRequest(schema: object): Record<string, unknown> {
  return { required: true, content: { "application/json": { schema } } };
}

function fileSchema(withContent: boolean): Record<string, unknown> {
  return {
    type: "object",
    required: ["index", "name", "typed"],
    properties: {
      index: {
        type: "integer",
        minimum: 0,
        description: "the argv word this file stands for (less than argv's length); the word " +
          "before it must be the command's path option (share --file, export/report --output)",
      },
      name: {
        type: "string",
        pattern: FILE_NAME_PATTERN,
        description: "the file's base name (not only dots); the server uses it in a private " +
          "temporary directory",
      },
      typed: { type: "string", description: "the path as typed, shown in messages instead" },
      ...(withContent
        ? { content: { type: "string", description: "the file's text; absent: no such file" } }
        : {}),
    },
  };
}

/** `POST /api/v1/run`: the request and answer of remote mode (src/server/command_line.ts). */
function commandLineOperation(): Record<string, unknown> {
  const commands = Object.entries(REMOTE_COMMANDS);
  const byScope = (scope: string) =>
    commands.filter(([, s]) => s === scope).map(([word]) => word).join(", ");
  return {
    operationId: "post_run",
    summary: "Run a tm command line on the server (remote mode: TM_URL + TM_TOKEN)",
    description: "Scope: by command. Read: " + byScope("read") + ". Write: " +
      byScope("write") + ". Any command's --help: read. Runs as the token's agent; --db, " +
      "another --agent-id, local-only commands and paths on the server are refused (400). " +
      "The command's own failure is still a 200 answer with its exit_code and stderr. A " +
      "repeated Idempotency-Key of a write gets the first answer again.",
    parameters: [
      header(
        "Idempotency-Key",
        "the same key for a retry of the same command (TM_REQUEST_ID)",
        { type: "string", pattern: "^[\\x21-\\x7e]{1,200}$" },
      ),
    ],
    requestBody: jsonRequest({
      type: "object",
      required: ["argv"],
      properties: {
        argv: {
          type: "array",
          maxItems: MAX_ARGV,
          items: { type: "string" },
          description: "the command line after `tm`, as the client typed it",
        },
        stdin: { type: "string", description: "the command's standard input" },
        agent: {
          type: "string",
          description: "the client's TM_AGENT_ID: refused unless it is the token's agent",
        },
        files: {
          type: "array",
          maxItems: MAX_FILES,
          items: fileSchema(true),
          description: "files the command reads (share --file)",
        },
        outputs: {
          type: "array",
          maxItems: MAX_FILES,
          items: fileSchema(false),
          description: "files the command writes (--output), sent back in the answer",
        },
      },
    }),
    responses: {
      "200": {
        description: "what the command printed, and its exit code",
        content: {
          "application/json": {
            schema: {
              type: "object",
              additionalProperties: false,
              required: ["schema_version", "exit_code", "stdout", "stderr"],
              properties: {
                schema_version: { const: 1 },
                exit_code: { type: "integer" },
                stdout: { type: "string" },
                stderr: { type: "string" },
                outputs: {
                  type: "array",
                  description: "the files of `outputs` the command wrote (exit code 0 only)",
                  items: {
                    type: "object",
                    additionalProperties: false,
                    required: ["index", "content"],
                    properties: { index: { type: "integer" }, content: { type: "string" } },
                  },
                },
              },
            },
          },
        },
      },
      ...Object.fromEntries(
        ["400", "401", "403", "404", "408", "413", "415", "503"].map((status) => [status, ERROR]),
      ),
    },
  };
}

/** `POST /mcp`: one JSON-RPC message of the MCP Streamable HTTP transport (docs/mcp.md). */
function mcpOperation(): Record<string, unknown> {
  const id = { type: ["string", "integer"] };
  return {
    operationId: "post_mcp",
    summary: "One MCP JSON-RPC message (Streamable HTTP, stateless); a token is always required",
    description: "Scope: read for the reading tools, write for the others. GET and DELETE " +
      "answer 405: no server-initiated stream, no sessions.",
    parameters: [
      header("MCP-Protocol-Version", "a supported MCP protocol version (400 otherwise)", {
        type: "string",
      }),
    ],
    requestBody: jsonRequest({
      type: "object",
      required: ["jsonrpc", "method"],
      properties: {
        jsonrpc: { const: "2.0" },
        id,
        method: { type: "string" },
        params: { type: "object" },
      },
      description: "a request (with id) or a notification (without); batches are refused",
    }),
    responses: {
      "200": {
        description: "the JSON-RPC response",
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["jsonrpc", "id"],
              properties: {
                jsonrpc: { const: "2.0" },
                id: { type: ["string", "integer", "null"] },
                result: {},
                error: {
                  type: "object",
                  required: ["code", "message"],
                  properties: { code: { type: "integer" }, message: { type: "string" }, data: {} },
                },
              },
            },
          },
        },
      },
      "202": { description: "a notification: no body" },
      "400": {
        description: "a JSON-RPC parse or invalid-request error (id null), or an HTTP error " +
          "object (unsupported MCP-Protocol-Version)",
        content: { "application/json": { schema: { type: "object" } } },
      },
      ...Object.fromEntries(
        ["401", "403", "405", "408", "413", "415", "503"].map((status) => [status, ERROR]),
      ),
    },
  };
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
  paths[COMMAND_LINE_PATH] = { post: commandLineOperation() };
  paths[MCP_PATH] = { post: mcpOperation() };
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
