#!/usr/bin/env bash
# Builds the Dockerfile and checks the image the way an operator runs it: the demo's sandbox
# refused in production unless ORG_SIGNUP_SANDBOX_PUBLIC=1, not root, no devDependencies, ready
# on /readyz, Docker's HEALTHCHECK healthy, a registration made the way the widget makes it
# (descriptor, form token, Idempotency-Key), no e-mail in the logs, and `docker stop` (SIGTERM)
# ending with exit code 0. Needs a Docker daemon that can pull
# node:20-bookworm-slim and reach the npm registry and Debian's mirrors, so it is not part of
# `npm test` (CI machines have no daemon). Extra `docker build` flags: DOCKER_BUILD_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-org-signup:check}
PORT=${PORT:-18080}
BASE="http://127.0.0.1:$PORT"
fail() { echo "docker-check: FAIL: $*" >&2; exit 1; }

# shellcheck disable=SC2086 # DOCKER_BUILD_ARGS is a list of flags
docker build ${DOCKER_BUILD_ARGS:-} -t "$IMAGE" .
# NODE_ENV=production refuses the demo config's sandbox (exit 78) unless it is meant.
refused=0
docker run --rm "$IMAGE" >/dev/null 2>&1 || refused=$?
[ "$refused" = 78 ] || fail "the demo's sandbox in production exited with $refused, not 78"
echo "demo sandbox without ORG_SIGNUP_SANDBOX_PUBLIC=1: refused (exit 78)"
cid=$(docker run -d -e ORG_SIGNUP_SANDBOX_PUBLIC=1 -p "127.0.0.1:$PORT:8080" "$IMAGE")
trap 'docker rm -f "$cid" >/dev/null' EXIT

for _ in $(seq 60); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.5; done
curl -fs "$BASE/readyz" >/dev/null || { docker logs "$cid"; fail "/readyz never answered 200"; }
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
token=$(curl -fs "$BASE/v1/flows/nitro" | node -e \
  'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).bot.formToken));')
sleep 3.2 # the demo config's minFillSeconds: a form sent sooner is a bot's
answer=$(curl -s -w ' %{http_code}' -X POST "$BASE/v1/flows/nitro/registrations" \
  -H 'content-type: application/json' -H 'origin: http://localhost:3000' \
  -H "idempotency-key: $(node -p 'crypto.randomUUID()')" \
  -d "{\"formToken\":\"$token\",\"fields\":{\"email\":\"$email\",\"name\":\"Dock Er\",\"phone\":\"+442079460958\",\"organisationName\":\"Docker Check Ltd\",\"domain\":\"docker-check.example.com\"}}")
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
