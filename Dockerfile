# syntax=docker/dockerfile:1
# ccgate on the current Node.js LTS (24). Node 20 (the development machines' Node) is tested by CI as well.

# Build stage: every dependency, compilers for native modules (better-sqlite3 builds from source when no prebuilt
# binary matches), the TypeScript build, then only production dependencies are kept.
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# package.json carries allowScripts: npm 11 runs the install scripts of the native modules listed there.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# Runtime stage: the compiled code and the production node_modules built above (native modules included, so no
# compiler here), as a non-root user.
FROM node:24-bookworm-slim
# ffmpeg (Debian) encodes Cisco QM's WMA and WMV exports.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    CCGATE_HOST=0.0.0.0 \
    CCGATE_DATA_DIR=/var/lib/ccgate
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY fixtures ./fixtures
COPY wsdl ./wsdl
COPY config ./config
RUN mkdir -p /var/lib/ccgate && chown node:node /var/lib/ccgate
USER node
EXPOSE 8080 7001 12615 65001/udp 65002/udp
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.CCGATE_HTTP_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node is PID 1 and handles SIGTERM itself (docker stop): interfaces say goodbye, events drain, ports close.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["start"]
