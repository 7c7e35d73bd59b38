#!/bin/sh
# install.sh: installs fazhi @VERSION@ from this offline bundle, with no network.
# Step by step: docs/DEPLOY.md, "Install without internet (offline bundle)".
# (Template: scripts/bundle-install.sh in fazhi's source; `make bundle` fills in the version.)
#
#   sh install.sh                       as root: /opt/fazhi, the systemd units, the nginx site
#   sh install.sh --prefix DIR --no-systemd [--env-file FILE]
#                                       a virtualenv in DIR (DIR/bin/fazhi), nothing else
#   sh install.sh --rollback [--prefix DIR] [--no-systemd] [--env-file FILE]
#                                       back to the version this one replaced, database included
#
# Over an existing install it backs up first (the old DIR is moved aside whole, and with a
# configuration the database is saved with `fazhi backup`), then installs and migrates.
# It creates no login account: the first administrators come from `fazhi user create`.
set -eu
export LC_ALL=C.UTF-8

VERSION=@VERSION@
PYTHONS="@PYTHONS@"
PREFIX=/opt/fazhi
ENV_FILE=/etc/fazhi/fazhi.env
ENV_FILE_GIVEN=0
PYTHON=python3
SYSTEMD=1
ROLLBACK=0
UNIT_DIR=/etc/systemd/system
ADMIN_BIN=/usr/local/bin/fazhi-admin
SERVICE=fazhi.service
TIMERS="fazhi-daily.timer fazhi-backup.timer fazhi-audit-verify.timer"

say() { printf 'install.sh: %s\n' "$*"; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF
Options:
  --prefix DIR     where the virtualenv goes (default /opt/fazhi); DIR/bin/fazhi
  --no-systemd     install only the virtualenv and the static files (no root needed)
  --env-file FILE  fazhi's configuration (default /etc/fazhi/fazhi.env); when it exists,
                   the database is backed up before an upgrade and migrated after
  --python PATH    the Python to build the virtualenv with (default python3)
  --rollback       undo the last upgrade of DIR
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --prefix | --env-file | --python)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --prefix) PREFIX=$2 ;;
        --env-file) ENV_FILE=$2 ENV_FILE_GIVEN=1 ;;
        --python) PYTHON=$2 ;;
      esac
      shift 2
      ;;
    --prefix=*) PREFIX=${1#*=} && shift ;;
    --env-file=*) ENV_FILE=${1#*=} ENV_FILE_GIVEN=1 && shift ;;
    --python=*) PYTHON=${1#*=} && shift ;;
    --no-systemd) SYSTEMD=0 && shift ;;
    --rollback) ROLLBACK=1 && shift ;;
    -h | --help) usage && exit 0 ;;
    *) die "unknown option $1 (sh install.sh --help)" ;;
  esac
done

# ---------------------------------------------------------------- 1. Python and machine, first

NEED="fazhi $VERSION needs CPython $(echo "$PYTHONS" | sed 's/ / or /g') on x86_64 (Debian 12 or 13: apt-get install python3 python3-venv)"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  die "$NEED; $PYTHON not found"
fi
FOUND=$("$PYTHON" -c 'import platform, sys; print("%d.%d %s %s" % (sys.version_info[0], sys.version_info[1], platform.machine(), sys.implementation.name))' 2>/dev/null) || FOUND="unknown unknown unknown"
set -- $FOUND
PYVER=$1 PYARCH=$2 PYIMPL=${3:-unknown}
MACHINE=$(uname -m)
SUPPORTED=0
for v in $PYTHONS; do
  [ "$v" = "$PYVER" ] && SUPPORTED=1
done
if [ "$SUPPORTED" -ne 1 ] || [ "$PYIMPL" != cpython ] || [ "$PYARCH" != x86_64 ] || [ "$MACHINE" != x86_64 ]; then
  [ "$PYARCH" = "$MACHINE" ] || PYARCH="$PYARCH (machine $MACHINE)"
  die "$NEED; found $PYIMPL $PYVER on $PYARCH ($PYTHON)"
fi
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  die "fazhi $VERSION needs the venv module of $PYTHON: apt-get install python3-venv"
fi

# ---------------------------------------------------------------- 2. the bundle is whole

HERE=$(cd "$(dirname "$0")" && pwd)
command -v sha256sum >/dev/null 2>&1 || die "needs sha256sum (Debian package coreutils)"
[ -f "$HERE/SHA256SUMS" ] || die "SHA256SUMS missing beside install.sh: unpack the whole bundle"
BAD=$(cd "$HERE" && sha256sum --check --quiet --strict SHA256SUMS 2>&1) || die "checksums do not match, the bundle is damaged or altered (copy it again): $(echo "$BAD" | head -1)"
# A file the checksums do not list (a wheel slipped in beside the others) is refused too.
LISTED=$(mktemp)
trap 'rm -f "$LISTED"' EXIT
sed 's/^[0-9a-f]\{64\}  //' "$HERE/SHA256SUMS" | sort >"$LISTED"
EXTRA=$(cd "$HERE" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | comm -23 - "$LISTED")
[ -z "$EXTRA" ] || die "a file the checksums do not list, the bundle is altered (copy it again): $(echo "$EXTRA" | head -1)"

# ---------------------------------------------------------------- 3. where, and as whom

case $PREFIX in
  /*) ;;
  *) die "--prefix must be an absolute path, got $PREFIX" ;;
esac
PREFIX=${PREFIX%/}
case $PREFIX in
  "" | *[!A-Za-z0-9/._-]*) die "--prefix may hold only letters, digits and / . _ -, got '$PREFIX'" ;;
esac
if [ "$SYSTEMD" -eq 1 ]; then
  [ "$(id -u)" -eq 0 ] || die "installing the systemd units needs root: run as root, or add --no-systemd"
  # The units and fazhi-admin read /etc/fazhi/fazhi.env, whatever the option says.
  [ "$ENV_FILE_GIVEN" -eq 0 ] || [ "$ENV_FILE" = /etc/fazhi/fazhi.env ] ||
    die "with the systemd units the configuration is /etc/fazhi/fazhi.env; --env-file goes with --no-systemd"
fi
CONFIGURED=0
if [ -f "$ENV_FILE" ]; then
  [ -r "$ENV_FILE" ] || die "cannot read $ENV_FILE: run as root or as its owner"
  CONFIGURED=1
fi

# The value of NAME in the env file (plain NAME=value lines, read as systemd and sh do).
env_get() {
  (
    set -a
    . "$ENV_FILE"
    eval "printf '%s' \"\${$1:-}\""
  )
}

under_prefix() {
  case "$1/" in
    "$PREFIX/"*) return 0 ;;
  esac
  return 1
}

if [ "$CONFIGURED" -eq 1 ]; then
  VAR_DIR=$(env_get FAZHI_VAR_DIR)
  [ -n "$VAR_DIR" ] || die "$ENV_FILE must set FAZHI_VAR_DIR (the data directory, outside $PREFIX)"
  for d in "$VAR_DIR" "$(env_get FAZHI_MEDIA_ROOT)" "$(env_get FAZHI_STATIC_ROOT)"; do
    if [ -n "$d" ] && under_prefix "$d"; then
      die "$d is inside $PREFIX, which an upgrade moves aside: keep the data outside --prefix"
    fi
  done
fi

# A fazhi command with the configuration: through fazhi-admin (as the fazhi user) when the
# units are installed, otherwise as the caller with the env file. --owner: as the role that
# owns the tables (migrate, restore), when /etc/fazhi/owner_database_url exists.
run_fazhi() {
  owner=""
  if [ "$1" = --owner ]; then
    shift
    [ "$SYSTEMD" -eq 1 ] && [ -f /etc/fazhi/owner_database_url ] && owner=--owner
  fi
  if [ "$SYSTEMD" -eq 1 ]; then
    "$ADMIN_BIN" $owner "$@"
  else
    (
      set -a
      . "$ENV_FILE"
      set +a
      mkdir -p "$FAZHI_VAR_DIR"
      cd "$FAZHI_VAR_DIR"
      exec "$PREFIX/bin/fazhi" "$@"
    )
  fi
}

HAVE_SYSTEMCTL=0
if [ "$SYSTEMD" -eq 1 ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  HAVE_SYSTEMCTL=1
fi
WAS_ACTIVE=0
stop_service() {
  if [ "$HAVE_SYSTEMCTL" -eq 1 ] && systemctl is-active --quiet "$SERVICE"; then
    WAS_ACTIVE=1
    say "stopping $SERVICE"
    systemctl stop "$SERVICE"
  fi
}

# ---------------------------------------------------------------- the pieces

# pip from the bundle only: no index, none of the machine's pip configuration or PIP_* variables.
pip_offline() {
  env -i PATH=/usr/bin:/bin HOME="${TMPDIR:-/tmp}" LC_ALL=C.UTF-8 PIP_CONFIG_FILE=/dev/null \
    PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    "$PREFIX/bin/python" -m pip "$@"
}

install_code() {
  say "creating the virtualenv $PREFIX ($PYTHON, CPython $PYVER)"
  "$PYTHON" -m venv "$PREFIX"
  say "installing fazhi $VERSION and its dependencies from $HERE/wheels (no network)"
  pip_offline install --quiet --no-index --find-links "$HERE/wheels" --only-binary=:all: "fazhi==$VERSION"
  [ -x "$PREFIX/bin/fazhi" ] || die "$PREFIX/bin/fazhi missing after pip install"
  cp -R "$HERE/deploy" "$PREFIX/deploy"
  mkdir -p "$PREFIX/docs"
  cp "$HERE/docs/DEPLOY.md" "$PREFIX/docs/DEPLOY.md"
  cp -R "$HERE/static" "$PREFIX/static"
  {
    echo "version=$VERSION"
    echo "python=$PYVER"
    echo "installed=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    [ -z "${BACKUP:-}" ] || echo "previous=$BACKUP"
  } >"$PREFIX/BUNDLE"
}

# The collected static files where the configuration serves them from (FAZHI_STATIC_ROOT).
copy_static() {
  [ "$CONFIGURED" -eq 1 ] || return 0
  root=$(env_get FAZHI_STATIC_ROOT)
  [ -n "$root" ] || root="$VAR_DIR/static"
  mkdir -p "$root"
  cp -R "$PREFIX/static/." "$root/"
  [ "$(id -u)" -ne 0 ] || chown -R "$(stat -c %U:%G "$root")" "$root"
  say "static files copied to $root"
}

# docs/DEPLOY.md step 1: the system user (no password, no shell) and the directories.
make_user_and_dirs() {
  if ! getent passwd fazhi >/dev/null; then
    say "creating the system user fazhi (no password, no login shell)"
    useradd --system --user-group --home-dir /var/lib/fazhi --shell /usr/sbin/nologin fazhi
  fi
  install -d -o fazhi -g fazhi -m 0750 /var/lib/fazhi /var/lib/fazhi/media /var/backups/fazhi
  install -d -o root -g root -m 0755 /var/www/fazhi
  if getent group www-data >/dev/null; then
    install -d -o fazhi -g www-data -m 2750 /var/www/fazhi/static
  fi
  install -d -o root -g fazhi -m 0750 /etc/fazhi
}

# The units, fazhi-admin and the nginx site from DIR/deploy, with DIR in place of /opt/fazhi.
install_units() {
  rewrite() {
    sed -e "s#/opt/fazhi/\.venv/bin/#$PREFIX/bin/#g" -e "s#/opt/fazhi/#$PREFIX/#g" "$1"
  }
  rewrite "$PREFIX/deploy/fazhi-admin" >"$ADMIN_BIN.new"
  chmod 0755 "$ADMIN_BIN.new"
  mv "$ADMIN_BIN.new" "$ADMIN_BIN"
  for unit in "$PREFIX"/deploy/systemd/*.service "$PREFIX"/deploy/systemd/*.timer; do
    rewrite "$unit" >"$UNIT_DIR/$(basename "$unit")"
    chmod 0644 "$UNIT_DIR/$(basename "$unit")"
  done
  say "installed $ADMIN_BIN and the units in $UNIT_DIR"
  if [ "$HAVE_SYSTEMCTL" -eq 1 ]; then
    systemctl daemon-reload
    systemctl enable --quiet "$SERVICE" $TIMERS
    say "enabled $SERVICE $TIMERS"
  else
    say "systemd is not running here: enable later with systemctl enable --now $SERVICE $TIMERS"
  fi
  [ -f "$PREFIX/deploy/nginx/fazhi.conf" ] && [ -d /etc/nginx/sites-available ] || return 0
  site=/etc/nginx/sites-available/fazhi.conf
  if [ ! -f "$site" ]; then
    install -m 0644 "$PREFIX/deploy/nginx/fazhi.conf" "$site"
    say "installed the nginx site $site"
  elif ! cmp -s "$PREFIX/deploy/nginx/fazhi.conf" "$site"; then
    install -m 0644 "$PREFIX/deploy/nginx/fazhi.conf" "$site.new"
    say "kept your $site; this version's is $site.new (compare: diff $site $site.new)"
  fi
  link=/etc/nginx/sites-enabled/fazhi.conf
  if [ ! -e "$link" ] && [ -d /etc/nginx/sites-enabled ]; then
    ln -s ../sites-available/fazhi.conf "$link"
    if nginx -t >/dev/null 2>&1; then
      [ "$HAVE_SYSTEMCTL" -eq 0 ] || systemctl reload nginx || true
      say "enabled the nginx site"
    else
      rm -f "$link"
      say "nginx site not enabled yet: set the site's name and certificate in $site (docs/DEPLOY.md step 8), then: ln -s ../sites-available/fazhi.conf $link && nginx -t && systemctl reload nginx"
    fi
  fi
}

migrate() {
  if [ "$CONFIGURED" -eq 0 ]; then
    say "no configuration at $ENV_FILE yet: nothing migrated (docs/DEPLOY.md steps 3 to 5)"
    return 0
  fi
  say "migrating the database"
  if ! run_fazhi --owner migrate --noinput -v0; then
    say "the migration failed; the previous version and the database backup are in ${BACKUP:-(none: first install)}"
    [ -z "${BACKUP:-}" ] || say "roll back: sh $HERE/install.sh --rollback $ARGS"
    exit 1
  fi
}

start_service() {
  [ "$HAVE_SYSTEMCTL" -eq 1 ] || return 0
  if [ "$CONFIGURED" -eq 1 ]; then
    systemctl restart "$SERVICE"
    systemctl start $TIMERS
    say "$SERVICE started"
  else
    say "start it once configured: systemctl start $SERVICE $TIMERS"
  fi
}

ARGS="--prefix $PREFIX"
[ "$SYSTEMD" -eq 1 ] || ARGS="$ARGS --no-systemd"
[ "$ENV_FILE_GIVEN" -eq 0 ] || ARGS="$ARGS --env-file $ENV_FILE"

# ---------------------------------------------------------------- --rollback

if [ "$ROLLBACK" -eq 1 ]; then
  [ -f "$PREFIX/BUNDLE" ] || die "nothing to roll back: $PREFIX/BUNDLE missing"
  BACKUP=$(sed -n 's/^previous=//p' "$PREFIX/BUNDLE")
  CURRENT=$(sed -n 's/^version=//p' "$PREFIX/BUNDLE")
  [ -n "$BACKUP" ] && [ -d "$BACKUP/code" ] ||
    die "nothing to roll back to: $PREFIX was a first install, or its backup ${BACKUP:-} is gone"
  OLD=$(sed -n 's/^version=//p' "$BACKUP/code/BUNDLE")
  stop_service
  STAMP=$(date -u +%Y%m%dT%H%M%SZ)
  mv "$PREFIX" "$BACKUP/rolled-back-$CURRENT-$STAMP"
  mv "$BACKUP/code" "$PREFIX"
  say "code: fazhi $OLD is back in $PREFIX (fazhi $CURRENT moved to $BACKUP/rolled-back-$CURRENT-$STAMP)"
  if [ "$CONFIGURED" -eq 1 ] && [ -f "$BACKUP/database/fazhi.tar" ]; then
    say "database: restoring $BACKUP/database/fazhi.tar (what was written after the upgrade is lost)"
    run_fazhi --owner restore --force "$BACKUP/database/fazhi.tar" ||
      die "the restore failed: the code is rolled back, the database is not; see the message above"
  fi
  copy_static
  [ "$SYSTEMD" -eq 0 ] || install_units
  start_service
  say "rolled back to fazhi $OLD"
  exit 0
fi

# ---------------------------------------------------------------- install or upgrade

[ "$SYSTEMD" -eq 0 ] || make_user_and_dirs
BACKUP=""
if [ -e "$PREFIX" ]; then
  if [ -f "$PREFIX/BUNDLE" ]; then
    OLD=$(sed -n 's/^version=//p' "$PREFIX/BUNDLE")
    BACKUP="$PREFIX.backup-$(date -u +%Y%m%dT%H%M%SZ)"
    say "upgrading fazhi $OLD to $VERSION; backing up first into $BACKUP"
    mkdir -m 0755 "$BACKUP"
    {
      echo "from=$OLD"
      echo "to=$VERSION"
      echo "at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } >"$BACKUP/info"
    stop_service
    if [ "$CONFIGURED" -eq 1 ]; then
      if [ "$SYSTEMD" -eq 1 ]; then
        install -d -o fazhi -g fazhi -m 0750 "$BACKUP/database"
      else
        mkdir -m 0700 "$BACKUP/database"
      fi
      if ! run_fazhi backup "$BACKUP/database/fazhi.tar"; then
        [ "$WAS_ACTIVE" -eq 0 ] || systemctl start "$SERVICE"
        die "the database backup failed, nothing was changed: see the message above"
      fi
      say "database saved: $BACKUP/database/fazhi.tar"
    fi
    mv "$PREFIX" "$BACKUP/code"
    say "previous code moved to $BACKUP/code"
  elif [ -d "$PREFIX" ] && [ -z "$(ls -A "$PREFIX")" ]; then
    rmdir "$PREFIX"
  else
    die "$PREFIX exists but was not installed from a bundle (no $PREFIX/BUNDLE): move it away or choose another --prefix"
  fi
fi

# In a subshell with -e in force (an `if` around it would switch -e off), so that a failed
# step stops it and the previous version comes back.
set +e
(
  set -e
  install_code
)
INSTALLED=$?
set -e
if [ "$INSTALLED" -ne 0 ]; then
  rm -rf "$PREFIX"
  if [ -n "$BACKUP" ]; then
    mv "$BACKUP/code" "$PREFIX"
    [ "$WAS_ACTIVE" -eq 0 ] || systemctl start "$SERVICE"
    die "installing fazhi $VERSION failed; the previous version is back in $PREFIX"
  fi
  die "installing fazhi $VERSION failed (see above); nothing is left in $PREFIX"
fi
(cd / && "$PREFIX/bin/python" -c "import fazhi") || die "fazhi $VERSION does not import in $PREFIX"

copy_static
[ "$SYSTEMD" -eq 0 ] || install_units
migrate
start_service

say "fazhi $VERSION installed in $PREFIX"
if [ -n "$BACKUP" ]; then
  say "backup of fazhi $OLD: $BACKUP (code/, database/ when configured)"
  say "roll back: sh $HERE/install.sh --rollback $ARGS"
fi
if [ "$SYSTEMD" -eq 1 ]; then
  say "first administrators (no account exists until you make one): fazhi-admin user create sysadmin UNIT system_admin --name 系统管理员 (docs/DEPLOY.md step 6)"
else
  say "first administrators (no account exists until you make one): $PREFIX/bin/fazhi user create sysadmin UNIT system_admin --name 系统管理员, with $ENV_FILE's variables set"
fi
