#!/usr/bin/env bash
# tests/web/run.sh unit|e2e [ARGS...]: the browser app's unit tests or its
# end-to-end suite. Exits 77 (ctest: skipped) with the reason when what the
# suite needs is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
web="$here/../../client/web"
build="${ICR_BUILD_DIR:-$here/../../build}"
kind="${1:?unit or e2e}"
shift

skip() {
  echo "web $kind tests skipped: $*" >&2
  exit 77
}
command -v node > /dev/null || skip "node is not installed (apt-get install nodejs npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || skip "node $(node --version) is older than the 20 that Playwright needs"
[ -d "$web/node_modules/@playwright/test" ] ||
  skip "client/web/node_modules is missing (build the icr-web target, or run npm ci in client/web)"

case "$kind" in
  unit)
    exec node "$web/scripts/unit.mjs" "$@"
    ;;
  e2e)
    [ -x /usr/bin/chromium ] || skip "/usr/bin/chromium is missing (apt-get install chromium)"
    [ -x "$build/server/icr-server" ] || skip "$build/server/icr-server is not built"
    [ -x "$build/client/icr" ] || skip "$build/client/icr is not built"
    [ -f "$build/web/app.js" ] || skip "$build/web/app.js is not built (the icr-web target)"
    flags="$("$build/server/icr-server" --helpfull 2>&1 || true)"
    [[ "$flags" == *--http_listen* ]] || skip "this icr-server has no --http_listen"
    # The specs in tests/web resolve @playwright/test and axe-core from the app's node_modules.
    export ICR_BUILD_DIR="$build" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NODE_PATH="$(cd "$web" && pwd)/node_modules"
    cd "$web"
    exec node node_modules/@playwright/test/cli.js test -c "$here/playwright.config.ts" "$@"
    ;;
  *)
    echo "usage: run.sh unit|e2e" >&2
    exit 2
    ;;
esac
