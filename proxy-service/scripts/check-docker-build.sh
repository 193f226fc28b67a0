#!/usr/bin/env bash
# Replays proxy-service/Dockerfile without Docker (which cannot run on the project's machines):
# the same files copied into an empty folder, the same `npm ci` and `npm run build`, then the
# runtime stage's command started from a folder holding only dist/, and /healthz checked.
# Needs the npm registry (npm ci downloads what the cache lacks). Usage, from anywhere:
#   proxy-service/scripts/check-docker-build.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "build stage in $work/repo"
mkdir -p "$work/repo/contracts" "$work/repo/proxy-service"
cd "$work/repo"
# COPY package.json package-lock.json ./ ; COPY contracts/package.json contracts/ ; COPY proxy-service/package.json proxy-service/
cp "$repo/package.json" "$repo/package-lock.json" .
cp "$repo/contracts/package.json" contracts/
cp "$repo/proxy-service/package.json" proxy-service/
npm ci --workspace proxy-service --include-workspace-root=false --ignore-scripts --no-audit --no-fund
# COPY contracts/ contracts/ ; COPY proxy-service/src/ proxy-service/src/ (as filtered by Dockerfile.dockerignore)
find "$repo/contracts" -maxdepth 1 -name '*.ts' ! -name '*.test.ts' -exec cp {} contracts/ \;
cp -r "$repo/proxy-service/src" proxy-service/
npm run build --workspace proxy-service

echo "runtime stage in $work/app"
mkdir -p "$work/app"
cp -r proxy-service/dist "$work/app/dist"
cd "$work/app"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
NODE_ENV=production HOST=127.0.0.1 PORT="$port" OPENAI_API_KEY=sk-check-0000000000 \
  SESSION_JWT_SECRET="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')" \
  node --enable-source-maps dist/main.cjs >"$work/out.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    kill -TERM "$pid"; wait "$pid"; pid=""
    echo "ok: the image's build steps produce a bundle that starts, serves /healthz and drains on SIGTERM"
    exit 0
  fi
  sleep 0.1
done
cat "$work/out.log"
echo "the bundle did not serve /healthz" >&2
exit 1
