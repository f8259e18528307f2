#!/usr/bin/env bash
# tm's main job on a fresh machine: create a project, add tasks with a dependency, see what
# is ready, claim and complete work, and watch the dependent become ready.
# Usage: scripts/demo.sh [PROJECT_DIR]   (default: a new temporary directory)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="${1:-$(mktemp -d "${TMPDIR:-/tmp}/tm-demo-XXXXXX")}"
mkdir -p "$project" && cd "$project"
tm() { "$here/tm" "$@"; }
export TM_AGENT_ID=demo-agent
echo "project: $project"
tm init
design=$(tm add "Design the API" -p high --json | sed -E 's/.*"id":"([0-9a-f]{8})".*/\1/')
build=$(tm add "Implement the API" --depends-on "$design" --file src/api.ts:1:40 --json |
  sed -E 's/.*"id":"([0-9a-f]{8})".*/\1/')
tm add "Write the docs" --depends-on "$build" -p low
echo "--- all tasks"; tm list
echo "--- ready now"; tm ready
echo "--- claim the best ready task and complete it"
tm claim
tm complete "$design"
echo "--- ready now"; tm ready
