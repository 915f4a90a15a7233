#!/usr/bin/env bash
# `npm test` runs this first: the scale-out tests start private Redis servers (Redis 7+,
# `redis-server` and `redis-cli` on the PATH; scale-out.md §3). When they are missing it
# installs Debian's redis-server package, as root or through `sudo -n` (no password
# prompt); when it cannot, it says in one line what to run and fails: the tests would
# fail without Redis, and skipping them would hide that.
set -u

have_redis() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || return 1
  local version
  version=$(redis-server --version 2>/dev/null) || return 1
  [[ $version =~ v=([0-9]+)\. ]] && ((BASH_REMATCH[1] >= 7))
}

have_redis && exit 0

install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  local as=()
  if [ "$(id -u 2>/dev/null)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1 || return 1
    as=(sudo -n)
  fi
  echo "npm test: installing redis-server for the scale-out tests (apt-get)" >&2
  "${as[@]}" apt-get update -qq >/dev/null 2>&1
  "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1
}

install
have_redis && exit 0

echo "npm test: the scale-out tests need Redis 7+ (redis-server and redis-cli on the PATH): none is there and none could be installed: run \`sudo apt-get install redis-server\` (Debian, Ubuntu) or \`brew install redis\` (macOS), then \`npm test\` again" >&2
exit 1
