#!/usr/bin/env bash
# Checks the Docker image the way an operator runs it. With a Docker daemon: builds the
# Dockerfile and checks the image: the bundled demo refused in production unless ORG_SIGNUP_DEMO=1,
# not root, no devDependencies, ready on /readyz, Docker's HEALTHCHECK healthy, a registration made
# the way the widget makes it (descriptor, form token, Idempotency-Key), no e-mail in the logs, and
# `docker stop` (SIGTERM) ending with exit code 0. Extra `docker build` flags: DOCKER_BUILD_ARGS.
# Without a daemon (CI machines have none) it checks what it can from here: every file the
# Dockerfile copies exists after `npm run build`, the compiled server runs with plain `node` (no
# tsx), refuses the demo in production, starts it with ORG_SIGNUP_DEMO=1 and registers, and the
# production dependencies hold no devDependency.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-org-signup:check}
PORT=${PORT:-18080}
BASE="http://127.0.0.1:$PORT"
fail() { echo "docker-check: FAIL: $*" >&2; exit 1; }

# A registration as the widget makes it; prints the answer with its status code.
register() {
  local email=$1 token
  token=$(curl -fs "$BASE/v1/flows/nitro" | node -e \
    'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).bot.formToken));')
  sleep 3.2 # the demo config's minFillSeconds: a form sent sooner is a bot's
  curl -s -w ' %{http_code}' -X POST "$BASE/v1/flows/nitro/registrations" \
    -H 'content-type: application/json' -H 'origin: http://localhost:3000' \
    -H "idempotency-key: $(node -p 'crypto.randomUUID()')" \
    -d "{\"formToken\":\"$token\",\"fields\":{\"email\":\"$email\",\"name\":\"Dock Er\",\"phone\":\"+442079460958\",\"organisationName\":\"Docker Check Ltd\",\"domain\":\"docker-check.example.com\"}}"
}

wait_ready() {
  for _ in $(seq 60); do curl -fs "$BASE/readyz" >/dev/null && return 0; sleep 0.5; done
  return 1
}

if ! docker info >/dev/null 2>&1; then
  echo "docker-check: no Docker daemon here; checking what can be checked without one"
  npm run build >/dev/null
  # Every source the runtime stage copies from the build stage.
  while read -r src; do
    [ -e "$src" ] || fail "the Dockerfile copies $src, which the build does not produce"
  done < <(sed -n 's#^COPY --from=build [^/]*/app/\([^ ]*\) .*#\1#p' Dockerfile)
  echo "files the runtime stage copies: all present"
  grep -q '^CMD \["node", "dist/server/main.js"\]' Dockerfile || fail "the image does not run dist/server/main.js"
  grep -lq 'tsx' dist/server/*.js && fail "the compiled server mentions tsx"
  dev=$(node -e '
    const { execSync } = require("node:child_process");
    const prod = JSON.parse(execSync("npm ls --omit=dev --all --json", { encoding: "utf8" }));
    const names = new Set();
    const walk = (deps) => Object.entries(deps ?? {}).forEach(([n, d]) => { names.add(n); walk(d.dependencies); });
    walk(prod.dependencies);
    console.log(Object.keys(require("./package.json").devDependencies).filter((n) => names.has(n)).join(" "));')
  [ -z "$dev" ] || fail "devDependencies among the production dependencies: $dev"
  echo "production dependencies: no devDependency (no tsx)"
  data=$(mktemp -d)
  refused=0
  NODE_ENV=production STORE_URL="sqlite:$data/a.db" PORT=$PORT node dist/server/main.js >/dev/null 2>&1 || refused=$?
  [ "$refused" = 78 ] || fail "the demo config in production exited with $refused, not 78"
  echo "demo config in production without ORG_SIGNUP_DEMO=1: refused (exit 78)"
  NODE_ENV=production ORG_SIGNUP_DEMO=1 STORE_URL="sqlite:$data/b.db" PORT=$PORT \
    node dist/server/main.js >"$data/log" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true' EXIT
  wait_ready || { cat "$data/log"; fail "/readyz never answered 200"; }
  email="docker-check-$(date +%s)@example.com"
  answer=$(register "$email")
  [[ "$answer" == *'"status":"completed"'*' 201' ]] || fail "registration answered: $answer"
  echo "compiled server, plain node, ORG_SIGNUP_DEMO=1: ready, registration $answer"
  grep -q 'ORG_SIGNUP_METRICS_TOKEN' "$data/log" || fail "no warning about the open /metrics"
  grep -qF "$email" "$data/log" && fail "the e-mail address is in the logs"
  kill -TERM "$pid"
  wait "$pid" || fail "exit code $? after SIGTERM"
  echo "docker-check: passed without a daemon (image not built: no docker here)"
  exit 0
fi

# shellcheck disable=SC2086 # DOCKER_BUILD_ARGS is a list of flags
docker build ${DOCKER_BUILD_ARGS:-} -t "$IMAGE" .
refused=0
docker run --rm "$IMAGE" >/dev/null 2>&1 || refused=$?
[ "$refused" = 78 ] || fail "the demo config in production exited with $refused, not 78"
echo "demo config without ORG_SIGNUP_DEMO=1: refused (exit 78)"
cid=$(docker run -d -e ORG_SIGNUP_DEMO=1 -p "127.0.0.1:$PORT:8080" "$IMAGE")
trap 'docker rm -f "$cid" >/dev/null' EXIT

wait_ready || { docker logs "$cid"; fail "/readyz never answered 200"; }
echo "ready: $(curl -s "$BASE/readyz")"

uid=$(docker exec "$cid" id -u)
[ "$uid" != 0 ] || fail "runs as root"
echo "user: $(docker exec "$cid" id -un) ($uid)"

dev=$(docker exec "$cid" node -e '
  const { existsSync } = require("node:fs");
  const dev = Object.keys(require("./package.json").devDependencies);
  console.log(dev.filter((name) => existsSync(`node_modules/${name}/package.json`)).join(" "));')
[ -z "$dev" ] || fail "devDependencies in the image: $dev"
echo "devDependencies in the image: none"

email="docker-check-$(date +%s)@example.com"
answer=$(register "$email")
[[ "$answer" == *'"status":"completed"'*' 201' ]] || fail "registration answered: $answer"
curl -s "$BASE/metrics" | grep -q '^org_signup_registrations_total{flow="nitro",outcome="completed"} 1$' ||
  fail "/metrics did not count the registration as completed"
echo "registration: $answer"

for _ in $(seq 40); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$cid")
  [ "$health" = starting ] || break
  sleep 1
done
[ "$health" = healthy ] || fail "HEALTHCHECK says $health"
echo "HEALTHCHECK: $health"

docker logs "$cid" 2>&1 | grep -qF "$email" && fail "the e-mail address is in the logs"
echo "logs: no e-mail address"

docker stop -t 10 "$cid" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$cid")
[ "$code" = 0 ] || { docker logs "$cid" | tail -5; fail "exit code $code after SIGTERM"; }
docker logs "$cid" 2>&1 | grep -q '"signal":"SIGTERM"' || fail "no shutdown line after SIGTERM"
echo "SIGTERM: clean shutdown, exit code 0"
echo "docker-check: image $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | numfmt --to=iec)) passed"
