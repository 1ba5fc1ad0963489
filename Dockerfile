# dvc-sentinel on Node 22 LTS. Build: docker build -t dvc-sentinel .
# Run:   docker run -p 9464:9464 -v $PWD/config:/app/config -v dvc-data:/app/data dvc-sentinel
# DVC_LISTEN (below) replaces the config's server.listen, so any mounted config listens on every
# interface of the container; set it to another host:port to move the port (the health check
# follows it). The whole picture with Prometheus, Alertmanager, Grafana and a mail catcher:
# docker compose up (compose.yaml).
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
ENV DVC_LISTEN=0.0.0.0:9464
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 9464
STOPSIGNAL SIGTERM
# /healthz answers 503 when a check's slot is overdue (the scheduler is stuck). The slim image has
# no curl: Node's own fetch asks, on loopback, at the port DVC_LISTEN names. A config with
# server.tls serves HTTPS, which this plain request does not speak: drop the check for such a config.
# No --start-period: the daemon answers within a second of starting, and three misses at 30 s
# apart already leave it time (dockerfilelint 1.8 also misreads that option's name).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "const a = process.env.DVC_LISTEN || '127.0.0.1:9464'; fetch('http://127.0.0.1:' + a.slice(a.lastIndexOf(':') + 1) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["run", "--config", "config/monitor.yaml"]
