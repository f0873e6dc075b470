# shellcheck shell=bash
# What the local pipeline (`lean-ops dev`, `npm start`) needs at run time besides Node.js:
# Java >= 17 for DynamoDB Local, and redis-server unless REDIS_URL names a running Redis.
# Sourced by scripts/provision.sh, which defines step/info/die/is_ci and runs this as part
# of full provisioning, or alone with `--runtime` (what `npm start` runs first).
#
# Missing pieces are collected first, so the user gets one message (or one apt-get call)
# for everything, not one failure per run.
#
# Environment:
#   REDIS_URL=redis://…        a Redis to use: redis-server is not needed
#   LEAN_OPS_NO_INSTALL=1      never install, only say what is missing

MIN_JAVA="${MIN_JAVA:-17}"
JAVA_VERSION=""
REDIS_VERSION=""

# Sets JAVA_VERSION and JAVA_MAJOR from `java` on PATH (JAVA_MAJOR empty when java is
# missing or its version unreadable).
JAVA_MAJOR=""
read_java() {
  JAVA_VERSION=""
  JAVA_MAJOR=""
  command -v java >/dev/null 2>&1 || return 0
  # First line looks like: openjdk version "17.0.15" 2025-04-15  (or "1.8.0_412" for Java 8)
  JAVA_VERSION="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  local major="${JAVA_VERSION%%.*}"
  [ "$major" = "1" ] && major="$(printf '%s' "$JAVA_VERSION" | cut -d. -f2)"
  case "$major" in
    '' | *[!0-9]*) return 0 ;;
  esac
  JAVA_MAJOR="$major"
}

# Installing is allowed when root on a machine with apt-get, unless LEAN_OPS_NO_INSTALL=1.
may_install() {
  [ "${LEAN_OPS_NO_INSTALL:-}" != "1" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1
}

# apt_install PACKAGE...: one `apt-get update` per run, no recommends, and no package
# service started (invoke-rc.d obeys policy-rc.d's exit code 101, "action forbidden"):
# lean-ops and its tests start their own servers on free ports.
APT_UPDATED=0
apt_install() {
  local policy_rc=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
    chmod 755 "$policy_rc"
    created=1
  fi
  local status=0
  if [ "$APT_UPDATED" = "0" ]; then
    info "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || status=$?
    APT_UPDATED=1
  fi
  if [ "$status" = "0" ]; then
    info "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" || status=$?
  fi
  [ "$created" = "1" ] && rm -f "$policy_rc"
  [ "$status" = "0" ] || die "apt-get install $* failed (exit $status)" "check the output above and the apt sources, then rerun"
}

# Debian 12 and Ubuntu 22.04/24.04 have openjdk-17; newer Debian only a newer default JRE.
java_package() {
  if apt-cache show openjdk-17-jre-headless >/dev/null 2>&1; then
    printf 'openjdk-17-jre-headless'
  else
    printf 'default-jre-headless'
  fi
}

# Whatever apt did, leave no system Redis running or enabled (errors are fine here:
# without systemd, systemctl only edits the unit symlinks).
disable_redis_service() {
  if command -v systemctl >/dev/null 2>&1; then
    if [ -d /run/systemd/system ]; then
      systemctl disable --now redis-server >/dev/null 2>&1 || true
    else
      systemctl disable redis-server >/dev/null 2>&1 || true
    fi
  fi
  service redis-server stop >/dev/null 2>&1 || true
  update-rc.d redis-server disable >/dev/null 2>&1 || true
}

runtime_prerequisites() {
  local missing=() apt_pkgs=() brew_pkgs=() need_java=0 need_redis=0

  step "Java >= $MIN_JAVA (DynamoDB Local, Spark)"
  read_java
  if [ -z "$JAVA_MAJOR" ]; then
    if command -v java >/dev/null 2>&1; then
      info "could not read the version from 'java -version'"
    else
      info "java: not found on PATH"
    fi
    need_java=1
  elif [ "$JAVA_MAJOR" -lt "$MIN_JAVA" ]; then
    info "java $JAVA_VERSION is too old"
    need_java=1
  else
    info "java $JAVA_VERSION"
  fi
  if [ "$need_java" = "1" ]; then
    missing+=("Java >= $MIN_JAVA")
    brew_pkgs+=("openjdk@17")
  fi

  step "redis-server"
  if [ -n "${REDIS_URL:-}" ]; then
    info "REDIS_URL is set: lean-ops uses that Redis, redis-server is not needed"
  elif command -v redis-server >/dev/null 2>&1; then
    REDIS_VERSION="$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
    info "already installed: $(command -v redis-server) ($REDIS_VERSION)"
  else
    info "redis-server: not found on PATH"
    need_redis=1
    missing+=("redis-server")
    apt_pkgs+=("redis-server")
    brew_pkgs+=("redis")
  fi

  [ "${#missing[@]}" = "0" ] && return 0

  if ! may_install; then
    local why="not root"
    [ "${LEAN_OPS_NO_INSTALL:-}" = "1" ] && why="LEAN_OPS_NO_INSTALL=1"
    [ "$why" = "not root" ] && ! command -v apt-get >/dev/null 2>&1 && why="no apt-get"
    local debian=("${apt_pkgs[@]}")
    [ "$need_java" = "1" ] && debian+=("openjdk-17-jre-headless")
    local lines=(
      "install it and run again:"
      "  Debian/Ubuntu: sudo apt-get install --no-install-recommends ${debian[*]}"
    )
    [ "$need_redis" = "1" ] &&
      lines+=("                 (then 'sudo systemctl disable --now redis-server': lean-ops starts its own)")
    lines+=("  macOS:         brew install ${brew_pkgs[*]}")
    [ "$need_redis" = "1" ] && lines+=("or set REDIS_URL to a running Redis 6.2+ instead of installing redis-server")
    die "missing: $(printf '%s, ' "${missing[@]}" | sed 's/, $//') (lean-ops does not install it: $why)" "${lines[@]}"
  fi

  step "installing: ${missing[*]}"
  [ "$need_java" = "1" ] && apt_pkgs+=("$(java_package)")
  apt_install "${apt_pkgs[@]}"
  if [ "$need_redis" = "1" ]; then
    disable_redis_service
    command -v redis-server >/dev/null 2>&1 ||
      die "redis-server is still not on PATH after installing it" "check 'dpkg -L redis-server' and your PATH"
    REDIS_VERSION="$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
    info "installed $(command -v redis-server) ($REDIS_VERSION); the system service is stopped and disabled"
  fi
  if [ "$need_java" = "1" ]; then
    read_java
    { [ -n "$JAVA_MAJOR" ] && [ "$JAVA_MAJOR" -ge "$MIN_JAVA" ]; } ||
      die "java >= $MIN_JAVA is still not on PATH after installing it" "check 'update-alternatives --display java'"
    info "installed java $JAVA_VERSION"
  fi
}
