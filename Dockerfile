# HyperMesh node image. The daemon keeps its data dir in /data (a volume) and listens on all
# interfaces inside the container so peers on the compose network can reach it.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY scripts/node-guard.mjs ./scripts/node-guard.mjs
COPY protocols ./protocols
COPY extensions ./extensions
ENV HYPERMESH_DATA_DIR=/data \
    HYPERMESH_LISTEN=/ip4/0.0.0.0/tcp/4201,/ip4/0.0.0.0/udp/4201/quic-v1
VOLUME /data
EXPOSE 4201/tcp 4201/udp
ENTRYPOINT ["node", "bin/hypermesh.mjs"]
CMD ["daemon", "--init"]
