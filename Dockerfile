# open-skills server image: compiled JavaScript on Node 24 LTS (isolated-vm 6 ships prebuilt binaries for it, so
# nothing compiles natively here). Runs as a non-root user with a read-only root file system: it writes only to
# DATA_DIR (/data) and /tmp, mount both (k8s/deployment.yaml does).

# 1. Compile TypeScript (src, views) to dist/ and copy what it reads at run time (migrations, guest scripts, assets).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY views ./views
COPY sdk ./sdk
COPY scripts ./scripts
COPY bundles ./bundles
RUN npm run build

# 2. Production dependencies only.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The image runs the API on Node: the optional Deno binary (`npm run start:deno`, ~95 MB) is left out.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@deno

FROM node:24-slim
ENV NODE_ENV=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data \
    LOAD_EXAMPLES=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json openapi.json ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# SIGTERM drains (README: Production): runs in flight finish within SHUTDOWN_GRACE_SECONDS. Migrations run at
# start-up under an advisory lock. Isolates live in the forked sandbox workers, which get --no-node-snapshot too.
STOPSIGNAL SIGTERM
CMD ["node", "--no-node-snapshot", "dist/src/main.js"]
