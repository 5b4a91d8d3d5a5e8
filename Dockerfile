# The production image: the compiled JavaScript of `npm run build` on Node 20, with production
# dependencies only (no TypeScript, no embedded PostgreSQL), run as the unprivileged `node` user.
#   docker build -t userledger:local .
#   docker run -p 8000:8000 -e DATABASE_URL=postgres://... -e JWT_SECRET=... -e PASSWORD_PEPPER=... userledger:local
# The same image runs the projector and the super-admin script:
#   docker run ... userledger:local node dist/src/projector-main.js
#   docker run ... -e SUPER_ADMIN_PASSWORD=... userledger:local node dist/scripts/create-super-admin.js --username NAME

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY projections ./projections
COPY scripts ./scripts
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# HOST: inside a container the loopback is the container's own, so listen on all of its interfaces.
ENV APP_ENV=prod \
    NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
# Optional dependencies (the embedded PostgreSQL binaries) stay out: production uses a server.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
# Settings only: .dockerignore keeps every .secrets.toml out of the build context.
COPY config ./config
# The files stay root's; the service only reads them.
USER node
EXPOSE 8000
# Ready, not only alive: the database (and EventStoreDB, when used) answers. No curl in slim images.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/api/v1/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm: node is PID 1 and gets `docker stop`'s SIGTERM directly.
CMD ["node", "dist/src/main.js"]
