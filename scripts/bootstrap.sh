#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to run and test the station: Debian packages
# (only those missing, only with root or sudo) and the npm dependencies (npm ci). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests and the local stack use, one per line with the reason.
APT_PACKAGES=(
  chromium # end-to-end tests drive Debian's Chromium with playwright-core
  libsecret-1-dev # keytar builds from source against libsecret (its prebuilt download is unreachable)
  gnome-keyring # a real Secret Service for the secret-store tests
  dbus # dbus-run-session: a private D-Bus session for those tests
  dbus-x11 # dbus-launch, which gnome-keyring expects
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "bootstrap: please install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Electron binary cannot be downloaded on machines without internet; the station then runs
# through the web host. Set ELECTRON_SKIP_BINARY_DOWNLOAD=0 and see README.md to fetch it.
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The edge functions' npm dependencies, exactly as supabase/functions/deno.lock pins them, into
# Deno's cache (DENO_DIR), so neither the tests nor the local stack download anything later. Deno
# is told to trust the OS certificate store (networks that inspect TLS); a failure is one line.
node --import tsx devstack/supabase/deno.ts fetch

# squawk, the migration linter (npm run lint:migrations), at the version package.json pins; fetched
# through npx because its npm package cannot sit in the lockfile (see scripts/squawk.mjs).
node scripts/squawk.mjs --version >/dev/null
