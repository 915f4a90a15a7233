#!/usr/bin/env bash
# `npm test` runs this first: it makes sure the programs the tests need are on the PATH —
# Redis 7+ (`redis-server` and `redis-cli`: the scale-out tests start private servers,
# scale-out.md §3) and Graphviz's `dot` (the docs test runs the documented `… | dot -Tsvg`,
# and the first-hour test lays out every example). It installs what is missing with one
# `apt-get install` (Debian's redis-server and graphviz packages), as root or through
# `sudo -n` (no password prompt); when it cannot, it says in one line what is missing and
# what to run, and fails: the tests would fail without these, and skipping them would hide
# that.
set -u

have_redis() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || return 1
  local version
  version=$(redis-server --version 2>/dev/null) || return 1
  [[ $version =~ v=([0-9]+)\. ]] && ((BASH_REMATCH[1] >= 7))
}

have_dot() {
  command -v dot >/dev/null 2>&1 && dot -V >/dev/null 2>&1
}

# What is missing: Debian package, Homebrew formula, and what the tests need, for each.
missing() {
  apt=() brew=() what=()
  if ! have_redis; then
    apt+=(redis-server) brew+=(redis) what+=("Redis 7+ (redis-server and redis-cli)")
  fi
  if ! have_dot; then
    apt+=(graphviz) brew+=(graphviz) what+=("Graphviz (dot)")
  fi
}

missing
((${#apt[@]} == 0)) && exit 0

install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  local as=()
  if [ "$(id -u 2>/dev/null)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1 || return 1
    as=(sudo -n)
  fi
  echo "npm test: installing ${apt[*]} for the tests (apt-get)" >&2
  "${as[@]}" apt-get update -qq >/dev/null 2>&1
  "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt[@]}" >/dev/null 2>&1
}

install
missing
((${#apt[@]} == 0)) && exit 0

needs=${what[0]}
((${#what[@]} > 1)) && needs="${what[0]} and ${what[1]}"
echo "npm test: the tests need ${needs} on the PATH: missing, and they could not be installed: run \`sudo apt-get install ${apt[*]}\` (Debian, Ubuntu) or \`brew install ${brew[*]}\` (macOS), then \`npm test\` again" >&2
exit 1
