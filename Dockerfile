# freshet: the scheduler service. Sources run through tsx (a runtime dependency), so there is no build step.
FROM node:20-bookworm-slim

WORKDIR /app

# better-sqlite3 and DuckDB ship prebuilt binaries for linux-x64/arm64 glibc; these tools are only the fallback
# for building better-sqlite3 from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so editing sources does not invalidate this layer. Copying only what runs (rather than
# `COPY . .`) also keeps a host node_modules out of the image without a .dockerignore.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY bin ./bin
COPY src ./src

ENV NODE_ENV=production
# The event store: EventStoreDB under its service name in docker-compose.yml (plain gRPC inside that network).
ENV FRESHET_STORE=esdb://eventstore:2113?tls=false
# Listen on every interface, so the published port reaches the server inside the container; this requires
# FRESHET_TOKEN at run time (freshet refuses a non-loopback address without one).
ENV FRESHET_HOST=0.0.0.0

EXPOSE 8083

# The warehouse file's directory, writable by the unprivileged user (mount a volume here to keep it).
RUN mkdir -p /app/data && chown node:node /app/data
ENV FRESHET_DATA_DIR=/app/data

# Not root: the service needs no privileges.
USER node

CMD ["node", "--max-semi-space-size=128", "bin/freshet.js", "serve"]
