// Dockerfiles in the style of real projects (official images, Go and Node services), with
// the Step texts dockerd 20.10's classic builder printed for them (checked side by side:
// continuation lines joined as written, comment and empty lines inside them dropped).

export interface Fixture {
  name: string;
  text: string;
  /** "Step i/n : <text>" for every step, in order. */
  steps: string[];
}

export const FIXTURES: Fixture[] = [
  {
    name: 'official-image style: tabs, comments inside a continuation, legacy ENV',
    text: `FROM debian:bookworm-slim

# add our user and group first to make sure their IDs get assigned consistently
RUN set -eux; \\
\tgroupadd -r redis --gid=999; \\
\tuseradd -r -g redis --uid=999 redis

ENV GOSU_VERSION 1.17
RUN set -eux; \\
\tsavedAptMark="$(apt-mark showmanual)"; \\
\tapt-get update; \\
\tapt-get install -y --no-install-recommends ca-certificates wget; \\
# a comment between continuation lines, as official images write them
\trm -rf /var/lib/apt/lists/*; \\
\tdpkgArch="$(dpkg --print-architecture | awk -F- '{ print $NF }')"; \\
\twget -O /usr/local/bin/gosu "https://example.invalid/gosu-$dpkgArch"; \\
\tchmod +x /usr/local/bin/gosu; \\
\tgosu --version

RUN mkdir /data && chown redis:redis /data
VOLUME /data
WORKDIR /data

COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]

EXPOSE 6379
CMD ["redis-server"]
`,
    steps: [
      'FROM debian:bookworm-slim',
      'RUN set -eux; \tgroupadd -r redis --gid=999; \tuseradd -r -g redis --uid=999 redis',
      'ENV GOSU_VERSION 1.17',
      'RUN set -eux; \tsavedAptMark="$(apt-mark showmanual)"; \tapt-get update; \tapt-get install -y --no-install-recommends ca-certificates wget; \trm -rf /var/lib/apt/lists/*; \tdpkgArch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')"; \twget -O /usr/local/bin/gosu "https://example.invalid/gosu-$dpkgArch"; \tchmod +x /usr/local/bin/gosu; \tgosu --version',
      'RUN mkdir /data && chown redis:redis /data',
      'VOLUME /data',
      'WORKDIR /data',
      'COPY docker-entrypoint.sh /usr/local/bin/',
      'ENTRYPOINT ["docker-entrypoint.sh"]',
      'EXPOSE 6379',
      'CMD ["redis-server"]',
    ],
  },
  {
    name: 'Go multi-stage build: ARG before FROM, --platform, COPY --from, empty continuation line',
    text: `ARG GO_VERSION=1.22
ARG ALPINE_VERSION=3.19

FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine AS Build
WORKDIR /src
ENV CGO_ENABLED=0 \\
    GOFLAGS="-trimpath -mod=readonly"
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH \\

    go build -ldflags="-s -w" -o /out/app ./cmd/app

FROM alpine:\${ALPINE_VERSION} AS runtime
RUN apk add --no-cache ca-certificates tzdata
COPY --from=build /out/app /usr/local/bin/app
USER 65534:65534
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\
  CMD ["/usr/local/bin/app", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/app"]
`,
    steps: [
      'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS Build',
      'WORKDIR /src',
      'ENV CGO_ENABLED=0     GOFLAGS="-trimpath -mod=readonly"',
      'COPY go.mod go.sum ./',
      'RUN go mod download',
      'COPY . .',
      'ARG TARGETOS TARGETARCH',
      'RUN GOOS=$TARGETOS GOARCH=$TARGETARCH     go build -ldflags="-s -w" -o /out/app ./cmd/app',
      'FROM alpine:${ALPINE_VERSION} AS runtime',
      'RUN apk add --no-cache ca-certificates tzdata',
      'COPY --from=build /out/app /usr/local/bin/app',
      'USER 65534:65534',
      'HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3   CMD ["/usr/local/bin/app", "healthcheck"]',
      'ENTRYPOINT ["/usr/local/bin/app"]',
    ],
  },
  {
    name: 'Node service: lower-case keywords, LABEL pairs over lines, indented comment, trailing blanks',
    text: `from node:20-slim as deps
workdir /app
copy package.json package-lock.json ./
run npm ci --omit=dev \\
      # keep the cache out of the layer
      && npm cache clean --force   

from node:20-slim
label org.opencontainers.image.title="my service" \\
      org.opencontainers.image.licenses=MIT
env NODE_ENV=production PORT=8080
workdir /app
copy --from=deps /app/node_modules ./node_modules
copy --chown=node:node . .
user node
expose \${PORT}
stopsignal SIGTERM
cmd node server.js
`,
    steps: [
      'from node:20-slim as deps',
      'workdir /app',
      'copy package.json package-lock.json ./',
      'run npm ci --omit=dev       && npm cache clean --force',
      'from node:20-slim',
      'label org.opencontainers.image.title="my service"       org.opencontainers.image.licenses=MIT',
      'env NODE_ENV=production PORT=8080',
      'workdir /app',
      'copy --from=deps /app/node_modules ./node_modules',
      'copy --chown=node:node . .',
      'user node',
      'expose ${PORT}',
      'stopsignal SIGTERM',
      'cmd node server.js',
    ],
  },
  {
    name: 'Windows-style escape directive: backtick continues lines, backslash is a path character',
    text: `# escape=\`
FROM mcr.example/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN New-Item -ItemType Directory C:\\app ; \`
    Set-Location C:\\app
COPY app\\ C:\\app\\
WORKDIR C:\\app
`,
    steps: [
      'FROM mcr.example/windows/servercore:ltsc2022',
      'SHELL ["powershell", "-Command"]',
      'RUN New-Item -ItemType Directory C:\\app ;     Set-Location C:\\app',
      'COPY app\\ C:\\app\\',
      'WORKDIR C:\\app',
    ],
  },
];
