/**
 * The one version source. The npm package's package.json (scripts/build.ts), the release
 * tag (.github/workflows/release.yml) and CHANGELOG.md's newest entry are checked against
 * `VERSION` (tests/e2e/release_files_test.ts); nothing else states it.
 *
 * @module
 */

/** The version of tm (the npm package and the release), semver. */
export const VERSION = "0.2.0";

/** The version of the `--json` document layout; bumped only on incompatible changes. */
export const JSON_SCHEMA_VERSION = 1;
