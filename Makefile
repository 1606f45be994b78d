# keycheck: make demo (offline, against a fake HiAPI), make run (the real
# HiAPI), make test. Go 1.26, Debian's chromium for the browser tests and
# Debian's postgresql for the PostgreSQL tests (scripts/setup.sh installs
# what is missing but Go).

# Settings of keycheck itself come from the environment (KEYCHECK_ADDR,
# KEYCHECK_DB...: the README's configuration table); no target passes a flag
# that would override them.

GO       ?= go
BIN      := bin/keycheck
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)

.PHONY: setup build run demo test test-short generate generate-check lint fmt bench loadtest fuzz clean

setup: ## install what a fresh machine lacks (Chromium for the browser tests, PostgreSQL for the store tests)
	./scripts/setup.sh

build: ## build bin/keycheck
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/keycheck

demo: build ## the dashboard against a fake HiAPI inside it, no limits, runs kept in .demo/ (FRESH=1 starts over)
	FRESH=$(FRESH) ./scripts/demo.sh $(BIN)

run: build ## the dashboard against the real HiAPI, at $$KEYCHECK_ADDR (default 127.0.0.1:8080)
	$(BIN) serve

test: setup generate-check lint ## what CI runs: generated code, vet, every test with -race, browser included
	$(GO) test -race -count=1 -timeout 20m ./...
	$(GO) test -run '^$$' -bench . -benchtime 5x -count 1 ./... >/dev/null

test-short: ## quick tests without the browser
	$(GO) test -short -count=1 ./...

generate: ## regenerate the templ components
	$(GO) tool templ generate

generate-check: ## fail if a *_templ.go file is not what its .templ generates
	@before=$$(cat $$(git ls-files '*_templ.go') | sha256sum); \
	$(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; exit 1; }; \
	after=$$(cat $$(git ls-files '*_templ.go') | sha256sum); \
	test "$$before" = "$$after" || { echo "generated *_templ.go files were stale: they are regenerated now; commit them"; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard -- '*_templ.go')" || { echo "new *_templ.go files are not committed"; exit 1; }

lint: ## gofmt, templ fmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt would change:"; echo "$$out"; exit 1; }
	@$(GO) tool templ fmt -fail templates >/dev/null 2>&1 || { echo "templ fmt would change the templates: run go tool templ fmt templates"; exit 1; }
	$(GO) vet ./...

fmt: ## format Go and templ files
	gofmt -w $$(git ls-files '*.go')
	$(GO) tool templ fmt templates

bench: ## the benchmarks, with allocations
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./...

loadtest: ## the load test: real server and fake HiAPI on loopback, ratios to a static baseline
	$(GO) run ./cmd/loadtest

fuzz: ## 30 s of fuzzing per parser of outside input, and a minute of key pieces through the server
	for f in FuzzCheck FuzzParseEnv FuzzParseCurl FuzzSplitURL FuzzSecret; do $(GO) test ./checks -run '^$$' -fuzz "^$$f$$" -fuzztime 30s || exit 1; done
	for f in FuzzParseError FuzzParseTask; do $(GO) test ./internal/hiapi -run '^$$' -fuzz "^$$f$$" -fuzztime 30s || exit 1; done
	$(GO) test ./internal/probe -run '^$$' -fuzz '^FuzzParseProviderError$$' -fuzztime 30s
	$(GO) test ./web -run '^$$' -fuzz '^FuzzKeyPiecesNeverLeave$$' -fuzztime 60s

clean:
	rm -rf bin testdata-out .demo
