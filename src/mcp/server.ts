/**
 * The MCP protocol, transport-free: one session answers JSON-RPC 2.0 messages (initialize,
 * ping, tools/list, tools/call, prompts/list, prompts/get, notifications/cancelled). The stdio
 * loop (stdio.ts) and the HTTP endpoint of `tm serve` feed it messages and send what it
 * returns. Written by hand on purpose: the protocol surface tm needs is small, and the
 * official SDK doubles the memory of every agent session (docs/mcp.md).
 *
 * @module
 */

import { TmError } from "../core/errors.ts";
import { VERSION } from "../version.ts";
import { type BridgeOptions, errorDocument, runCommand } from "./bridge.ts";
import { checkArguments, findTool, planCall, READ_ONLY_TOOLS, TOOLS } from "./tools.ts";

/** Protocol revisions this server speaks, newest first. */
export const PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
];

/** JSON-RPC 2.0 error codes used by the protocol layer. */
export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
} as const;

/** A request or response id. */
export type RpcId = string | number;

/** A JSON-RPC 2.0 response. */
export interface RpcResponse {
  jsonrpc: "2.0";
  id: RpcId | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** A protocol-level failure of one request, answered as a JSON-RPC error. */
class RpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** A JSON-RPC error response. */
export function rpcError(id: RpcId | null, code: number, message: string): RpcResponse {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

const PRIME_PROMPT = {
  name: "prime",
  description: "tm session briefing: who you are, your tasks, ready work, notifications",
};

type Params = Record<string, unknown>;

/** What a session acts as, and what it may do. */
export interface SessionOptions extends BridgeOptions {
  /** Only the reading tools (a read-scoped token of `tm serve`). */
  readOnly?: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorResult(document: unknown) {
  return { content: [{ type: "text", text: JSON.stringify(document) }], isError: true };
}

/**
 * One MCP session: the negotiated protocol version and the requests in flight. Tool calls and
 * prompts run one at a time, in arrival order (each is one short CLI command); a cancelled
 * request that has not finished gets no response, as the protocol asks.
 */
export class McpSession {
  #options: SessionOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = new Set<RpcId>();
  #cancelled = new Set<RpcId>();
  /** The protocol version agreed at initialize, if it happened. */
  protocolVersion: string | undefined;

  /** A session acting as `options.agent`. */
  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** Answer one message already parsed from JSON; undefined when no response is due. */
  async handle(message: unknown): Promise<RpcResponse | undefined> {
    if (Array.isArray(message)) {
      return rpcError(null, RPC_ERRORS.invalidRequest, "batches are not supported");
    }
    if (!isObject(message) || message.jsonrpc !== "2.0") {
      return rpcError(
        null,
        RPC_ERRORS.invalidRequest,
        'not a JSON-RPC 2.0 message ("jsonrpc": "2.0")',
      );
    }
    const hasId = Object.hasOwn(message, "id");
    const id = message.id;
    if (hasId && typeof id !== "string" && (typeof id !== "number" || !Number.isInteger(id))) {
      return rpcError(null, RPC_ERRORS.invalidRequest, "id must be a string or an integer");
    }
    if (typeof message.method !== "string") {
      // A response to a request of ours: this server sends none, so there is nothing to match.
      if (hasId && ("result" in message || "error" in message)) return undefined;
      return rpcError(
        hasId ? id as RpcId : null,
        RPC_ERRORS.invalidRequest,
        "method must be a string",
      );
    }
    const params = message.params ?? {};
    if (!hasId) {
      if (message.method === "notifications/cancelled" && isObject(params)) {
        this.#cancel(params.requestId);
      }
      return undefined;
    }
    const requestId = id as RpcId;
    if (!isObject(params)) {
      return rpcError(requestId, RPC_ERRORS.invalidParams, "params must be an object");
    }
    try {
      const result = await this.#dispatch(requestId, message.method, params);
      if (this.#cancelled.delete(requestId)) return undefined;
      return { jsonrpc: "2.0", id: requestId, result };
    } catch (error) {
      if (this.#cancelled.delete(requestId)) return undefined;
      if (error instanceof RpcError) return rpcError(requestId, error.code, error.message);
      this.#options.log(
        `tm mcp: internal error (a bug; please report it):\n${(error as Error)?.stack ?? error}\n`,
      );
      return rpcError(requestId, RPC_ERRORS.internal, "internal error");
    }
  }

  #cancel(requestId: unknown): void {
    if (
      (typeof requestId === "string" || typeof requestId === "number") &&
      this.#pending.has(requestId)
    ) {
      this.#cancelled.add(requestId);
    }
  }

  #dispatch(id: RpcId, method: string, params: Params): Promise<unknown> {
    switch (method) {
      case "initialize":
        return Promise.resolve(this.#initialize(params));
      case "ping":
        return Promise.resolve({});
      case "tools/list":
        return Promise.resolve({ tools: TOOLS });
      case "prompts/list":
        return Promise.resolve({ prompts: [PRIME_PROMPT] });
      case "tools/call":
        return this.#serially(id, () => this.#callTool(params));
      case "prompts/get":
        return this.#serially(id, () => this.#getPrompt(params));
      default:
        throw new RpcError(RPC_ERRORS.methodNotFound, `method not found: ${method}`);
    }
  }

  #initialize(params: Params): unknown {
    const requested = params.protocolVersion;
    if (typeof requested !== "string") {
      throw new RpcError(RPC_ERRORS.invalidParams, "initialize: protocolVersion must be a string");
    }
    // The client's version when we speak it, else our newest: the client decides whether to go on.
    this.protocolVersion = PROTOCOL_VERSIONS.includes(requested)
      ? requested
      : PROTOCOL_VERSIONS[0]!;
    return {
      protocolVersion: this.protocolVersion,
      capabilities: { tools: {}, prompts: {} },
      serverInfo: { name: "tm", version: VERSION },
      instructions: `tm task orchestrator; tools act as agent "${this.#options.agent}". ` +
        "Call prime first. Results are tm's --json documents.",
    };
  }

  /** Run `job` after every earlier tool call or prompt; skip it if cancelled while waiting. */
  #serially<T>(id: RpcId, job: () => Promise<T>): Promise<T | undefined> {
    this.#pending.add(id);
    const next = this.#queue.then(() => this.#cancelled.has(id) ? undefined : job());
    this.#queue = next.catch(() => undefined);
    return next.finally(() => this.#pending.delete(id));
  }

  async #callTool(params: Params): Promise<unknown> {
    const name = params.name;
    if (typeof name !== "string") {
      throw new RpcError(RPC_ERRORS.invalidParams, "tools/call: name must be a string");
    }
    const tool = findTool(name);
    if (tool === undefined) {
      throw new RpcError(
        RPC_ERRORS.invalidParams,
        `unknown tool: ${name} (tools: ${TOOLS.map((t) => t.name).join(", ")})`,
      );
    }
    const args = params.arguments ?? {};
    if (!isObject(args)) {
      throw new RpcError(RPC_ERRORS.invalidParams, "tools/call: arguments must be an object");
    }
    if (this.#options.readOnly === true && !READ_ONLY_TOOLS.has(tool.name)) {
      return errorResult(errorDocument({
        code: "forbidden",
        message: `${tool.name} writes: this needs the write scope (token has read)`,
        retryable: false,
      }));
    }
    let plan: string[][];
    try {
      plan = planCall(tool.name, checkArguments(tool, args));
    } catch (error) {
      if (!(error instanceof TmError)) throw error;
      // Bad arguments are the model's to correct, so they come back as a tool error (SEP-1303).
      return errorResult(errorDocument({
        code: error.code,
        exit_code: error.exitCode,
        message: error.message,
        retryable: error.retryable,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      }));
    }
    let last: Record<string, unknown> = {};
    for (const argv of plan) {
      const outcome = await runCommand(argv, this.#options);
      if (!outcome.ok) return errorResult(outcome.document);
      last = outcome.document;
    }
    return { content: [{ type: "text", text: JSON.stringify(last) }], structuredContent: last };
  }

  async #getPrompt(params: Params): Promise<unknown> {
    if (params.name !== PRIME_PROMPT.name) {
      throw new RpcError(
        RPC_ERRORS.invalidParams,
        `unknown prompt: ${String(params.name)} (prompts: prime)`,
      );
    }
    const outcome = await runCommand(["prime"], this.#options, false);
    if (!outcome.ok) {
      // Text mode carries no error object: ask again for it, so the client sees the CLI's error.
      const again = await runCommand(["prime"], this.#options);
      const error = again.ok ? undefined : again.document.error;
      throw new RpcError(
        RPC_ERRORS.internal,
        `prime failed: ${error?.message ?? "see the server's log"}`,
      );
    }
    return {
      description: PRIME_PROMPT.description,
      messages: [{ role: "user", content: { type: "text", text: outcome.text } }],
    };
  }
}
