/** The version of tm, kept equal to `version` in deno.json (a test checks). */
export const VERSION = "0.1.0";

/** The version of the `--json` document layout; bumped only on incompatible changes. */
export const JSON_SCHEMA_VERSION = 1;
