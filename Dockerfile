# HyperMesh node image. The daemon keeps its data dir in /data (a volume) and listens on all
# interfaces inside the container so peers on the compose network can reach it.

# build: type-check and compile to dist/ (`npm install` runs the build, scripts/build.mjs)
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm install --no-audit --no-fund

# runtime: production dependencies and the compiled tree only. A process that loads TypeScript
# sources keeps Node's type-stripping compiler for its whole life (~29 MiB of RSS); without
# src/ in the image, bin/hypermesh.mjs runs dist/ (scripts/lib/built-code.mjs).
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/node-guard.mjs scripts/build.mjs ./scripts/
COPY scripts/lib/built-code.mjs scripts/lib/daemon-runtime.mjs ./scripts/lib/
# the install's build step finds no compiler here and skips
RUN npm install --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/.stamp ./dist/.stamp
COPY protocols ./protocols
COPY extensions ./extensions
ENV HYPERMESH_DATA_DIR=/data \
    HYPERMESH_LISTEN=/ip4/0.0.0.0/tcp/4201,/ip4/0.0.0.0/udp/4201/quic-v1
VOLUME /data
EXPOSE 4201/tcp 4201/udp
ENTRYPOINT ["node", "bin/hypermesh.mjs"]
CMD ["daemon", "--init"]
