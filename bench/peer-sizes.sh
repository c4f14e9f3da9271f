#!/usr/bin/env bash
# Gzipped size of the widget next to its peers' browser bundles, each measured the same way:
# `gzip -9` of the one file a page loads; and the widget package's entry points (widget/dist),
# each on its own, without what an app's bundler shares (Lit, React). Peers come from the npm
# registry (npm pack); Auth0 Lock ships no prebuilt bundle on npm, so its entry is bundled here
# with this project's Vite (minified, production). Run after `npm run build`:
# bash bench/peer-sizes.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
size() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$(wc -c <"$3")" "$(gzip -9c "$3" | wc -c)"; }

npm pack @okta/okta-signin-widget @descope/web-component --silent >/dev/null 2>&1
for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
okta=$(ls -d okta-okta-signin-widget-*/package); descope=$(ls -d descope-web-component-*/package)

mkdir a0 && cd a0
npm init -y >/dev/null
npm install auth0-lock --silent --no-audit --no-fund >/dev/null 2>&1
echo "import Lock from 'auth0-lock'; window.Auth0Lock = Lock;" >entry.js
cat >vite.config.mjs <<'CONF'
export default { logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
  build: { lib: { entry: 'entry.js', formats: ['es'], fileName: () => 'lock.js' }, outDir: 'out',
    rolldownOptions: { output: { minify: true } } } };
CONF
"$root/node_modules/.bin/vite" build >/dev/null
cd ..

echo '| widget | version | raw bytes | gzip -9 bytes |'
echo '| --- | --- | --- | --- |'
version=$(node -p "require('$root/widget/package.json').version")
size 'org-signup (CDN file, Lit inside)' "$version" "$root/dist/widget/org-signup.js"
size '@org-signup/widget (package entry, Lit external)' "$version" "$root/widget/dist/org-signup.js"
size '@org-signup/widget/react (React, Lit and the element external)' "$version" "$root/widget/dist/react.js"
size '@descope/web-component (dist/index.js)' "$(node -p "require('./$descope/package.json').version")" "$descope/dist/index.js"
size 'auth0-lock (npm entry bundled with Vite)' "$(node -p "require('./a0/node_modules/auth0-lock/package.json').version")" a0/out/lock.js
size '@okta/okta-signin-widget (okta-sign-in.min.js)' "$(node -p "require('./$okta/package.json').version")" "$okta/dist/js/okta-sign-in.min.js"
