# keycheck in a container: one static binary on distroless, as a non-root
# user, with no shell. Build it from the checkout:
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t keycheck .
#   docker run -p 8080:8080 -v keycheck-data:/data -e KEYCHECK_SESSION_KEYS=$(openssl rand -hex 32) keycheck
#
# Without KEYCHECK_DB it keeps its runs in SQLite on the /data volume (one
# container); a team sets KEYCHECK_DB=postgres://… and runs several (see
# deploy/compose.yaml and the README's "Deploying it for a team").
# cmd/keycheck/deploy_test.go keeps this file honest without Docker: it runs
# the build command below, checks every KEYCHECK_* setting and flag, the
# HEALTHCHECK and the user.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# The modules first, so a change to the code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# As "make build" builds it: a static binary (pure Go, SQLite included),
# with the version in it.
ARG VERSION=dev
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/keycheck ./cmd/keycheck
# The volume's mount point, owned by the user keycheck runs as, so a new
# volume starts writable by it.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/keycheck /keycheck
COPY --from=build --chown=65532:65532 /out/data /data
# distroless's nonroot user, by number, so Kubernetes' runAsNonRoot can
# check it.
USER 65532:65532
ENV KEYCHECK_ADDR=0.0.0.0:8080 \
    KEYCHECK_DB=/data/keycheck.db \
    KEYCHECK_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
# No shell or curl in the image: keycheck asks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/keycheck", "healthcheck"]
ENTRYPOINT ["/keycheck"]
CMD ["serve"]
