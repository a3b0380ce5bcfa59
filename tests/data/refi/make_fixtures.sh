#!/bin/sh
# Rebuilds the .qdpx fixtures from the hand-written files under src/.
# Run from anywhere: sh tests/data/refi/make_fixtures.sh
set -eu
cd "$(dirname "$0")"
here="$(pwd)"
pack() {  # pack NAME DIR: zip DIR's contents as NAME.qdpx
  rm -f "$here/$1.qdpx"
  (cd "$2" && zip -q -X -D -r "$here/$1.qdpx" .)
}
pack atlas src/atlas
pack nvivo src/nvivo
pack maxqda src/maxqda
pack qualcoder src/qualcoder
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for name in malformed wrong_namespace dangling_coderef start_after_end out_of_bounds; do
  rm -rf "$tmp/p" && mkdir -p "$tmp/p"
  cp "src/errors/$name.qde" "$tmp/p/project.qde"
  pack "$name" "$tmp/p"
done
rm -rf "$tmp/p" && mkdir -p "$tmp/p/Sources" && echo "text" > "$tmp/p/Sources/a.txt"
pack no_qde "$tmp/p"
printf 'This is not a zip archive.\n' > not_a_zip.qdpx
