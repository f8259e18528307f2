/**
 * The binary's one declared permission set, and the dropping of what a command does not
 * need right after dispatch (docs/architecture.md, "Permissions").
 *
 * @module
 */

/**
 * The production permission flags: `deno task tm`, `deno task compile`, `scripts/tm`, the
 * release workflow and the end-to-end tests all use exactly these (a test checks that they
 * agree). Read and write are open because the data directory is found at run time (walking
 * up, across git worktrees); there is no FFI or system-information access at all.
 * `--allow-run` is there for hooks and `tm worker --exec`: after dispatch it is revoked unless
 * the command needs it or the hooks directory holds an executable hook (see run.ts).
 * `--allow-net` is there for a PostgreSQL database (and `tm serve`): the host is known only at
 * run time, and Deno cannot narrow net later, so every command that needs no network revokes
 * all of it at dispatch. `PG*` and `HOME` are the driver's defaults and `~/.pgpass`; `PATH`,
 * `CI` and `GITHUB_ACTIONS` are what orchestration enforcement looks at (is tm on PATH, can
 * anyone answer a question).
 */
export const PRODUCTION_PERMISSION_FLAGS: readonly string[] = [
  "--no-prompt",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-net",
  "--allow-env=TM_*,NO_COLOR,USER,LOGNAME,USERNAME,PG*,HOME,PATH,CI,GITHUB_ACTIONS",
  "--ignore-env=LOG_TOKENS,LOG_STREAM,NODE_PG_FORCE_NATIVE",
];

/** What a command keeps after dispatch. */
export interface PermissionNeeds {
  /** May start processes (hooks, workers). */
  run?: boolean;
  /** May use the network (a PostgreSQL database, tm serve). */
  net?: boolean;
}

/**
 * Revoke, for the rest of this process, every permission the command does not need.
 * Revoking a permission that was never granted is harmless.
 */
export function dropPermissions(needs: PermissionNeeds): void {
  const drop: Deno.PermissionDescriptor[] = [{ name: "ffi" }, { name: "sys" }];
  if (needs.net !== true) drop.push({ name: "net" });
  if (needs.run !== true) drop.push({ name: "run" });
  for (const descriptor of drop) Deno.permissions.revokeSync(descriptor);
}
