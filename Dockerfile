# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Runtime stage: production dependencies and the compiled code only, as a non-root user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CCGATE_HOST=0.0.0.0 \
    CCGATE_DATA_DIR=/var/lib/ccgate
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY fixtures ./fixtures
COPY wsdl ./wsdl
RUN mkdir -p /var/lib/ccgate && chown node:node /var/lib/ccgate
USER node
EXPOSE 8080 7001 65001/udp 65002/udp
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.CCGATE_HTTP_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
