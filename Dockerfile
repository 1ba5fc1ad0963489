# dvc-sentinel on Node 22 LTS. Build: docker build -t dvc-sentinel .
# Run:   docker run -p 9464:9464 -v $PWD/config:/app/config -v dvc-data:/app/data dvc-sentinel
# The mounted config must listen on 0.0.0.0 inside the container (server.listen: 0.0.0.0:9464).
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
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 9464
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["run", "--config", "config/monitor.yaml"]
