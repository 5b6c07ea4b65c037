# open-skills server image. Node 24 LTS: isolated-vm 6 ships prebuilt binaries for it, nothing compiles here.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The image runs the API on Node: the optional Deno binary (`npm run start:deno`, ~95 MB) is left out.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@deno

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=8000 \
    DATA_DIR=/data \
    LOAD_EXAMPLES=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# The console's pages (.tsx, compiled by tsx at run time with the JSX settings of tsconfig.json) and assets.
COPY views ./views
COPY tsconfig.json ./
COPY bundles ./bundles
COPY openapi.json ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Isolates only live in the forked sandbox workers, which get --no-node-snapshot themselves; the flag here keeps
# the main process safe too.
CMD ["node", "--no-node-snapshot", "--import", "tsx", "src/main.ts"]
