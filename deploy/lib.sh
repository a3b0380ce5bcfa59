# Shared by deploy/run and deploy/test: install what is missing, then build.
# Sourced, not executed.

ICR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ICR_BUILD_DIR="${ICR_BUILD_DIR:-$ICR_ROOT/build}"

# Debian 12 packages the build needs.
ICR_BUILD_PACKAGES=(
  g++ cmake make pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libcsv-dev
  libxml2-dev libzip-dev libre2-dev zlib1g-dev libicu-dev
  libcpp-httplib-dev
)

icr_install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "icr: installing ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

# icr_build [TARGET...]: configure and build the named targets (default: all).
icr_build() {
  local jobs target_args=()
  jobs="$(nproc 2>/dev/null || echo 2)"
  if [ "$#" -gt 0 ]; then target_args=(--target "$@"); fi
  cmake -S "$ICR_ROOT" -B "$ICR_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$ICR_BUILD_DIR" -j "$jobs" "${target_args[@]}"
}
