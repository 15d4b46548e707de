# syntax=docker/dockerfile:1
# Image for the temporal-finetune worker and webhook receiver (see docker-compose.yml).
# Secrets (OPENAI_API_KEY, WANDB_API_KEY, OPENAI_WEBHOOK_SECRET) are never baked in: they come
# from the container's environment at run time.

ARG NODE_VERSION=20

# ---- build: compile TypeScript, then drop dev dependencies -------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so the layer is reused while only sources change. --ignore-scripts: the
# package's own `prepare` would build before the sources are copied, and no dependency needs its
# install script (native binaries ship as prebuilt platform packages).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# Assemble exactly what runs: the published files (bin, dist, data when present), the production
# dependencies, and tools/ (the package-root marker the CLI looks for).
RUN mkdir /out \
 && cp -r package.json package-lock.json bin dist tools node_modules /out/ \
 && if [ -d data ]; then cp -r data /out/; fi

# ---- runtime ------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ ./

# The official node images ship an unprivileged `node` user (uid 1000). Workflows are bundled in
# memory at worker start from dist/workflows, so the app needs no write access to /app.
USER node

ENTRYPOINT ["node", "bin/finetune.js"]
CMD ["worker"]
