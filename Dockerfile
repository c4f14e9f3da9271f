# syntax=docker/dockerfile:1
# The BFF with the built widget: a build stage with the toolchain (better-sqlite3 compiles from
# source on Node 20) that compiles the server (dist/server) and the widget (dist/widget), then a
# runtime stage with production dependencies only, run by plain `node`, as a non-root user.
# The bundled demo configuration is refused here unless ORG_SIGNUP_DEMO=1.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# The widget's package is an npm workspace: npm ci needs its manifest to link it.
COPY widget/package.json widget/
RUN npm ci
COPY . .
# The runtime loads only better-sqlite3's .node file: its sources and objects (~25 MB) stay here.
RUN npm run build && npm prune --omit=dev \
 && find node_modules/better-sqlite3/build -type f ! -path '*/Release/better_sqlite3.node' -delete \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    STORE_URL=sqlite:/data/org-signup.db
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Files the compiled server reads: the demo page's own, and the demo configuration.
COPY --from=build --chown=node:node /app/server/web/public ./server/web/public
COPY --from=build --chown=node:node /app/server/config/demo.json ./server/config/demo.json
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM stops accepting, lets requests in flight finish, leaves queued work to the outbox.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
