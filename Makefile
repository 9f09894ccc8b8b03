# berth — the two commands of the quick start, and the pieces they are made of.
SHELL := /bin/bash
export PATH := /usr/local/bin:$(PATH)

.PHONY: setup build test test-faults demo demo-stop typecheck clean bench engine-api-types cli-index install uninstall soak

setup:
	scripts/setup

## build: dist/ (tsc, what the tests import) and the release bundles in dist/release/ (what bin/ runs)
build:
	npx tsc -p tsconfig.json && node scripts/build-stamp.mjs && node scripts/bundle.mjs

## engine-api-types: regenerate src/api/types/engine-api.ts from reference/engine-api/swagger.yaml
engine-api-types:
	node src/api/types/gen/write-engine-api.ts

## cli-index: regenerate src/cli/index/command-index.generated.ts from the commands the modules register
cli-index:
	node src/cli/index/write-command-index.ts

typecheck:
	npx tsc -p tsconfig.json --noEmit

## test: setup, then every test (unit and end-to-end against a real berthd)
test: setup
	scripts/test

## test-faults: setup, then berthd under faults (SIGKILL loops, runtime, OOM, full disk; ~10 min quiet, 15-20 loaded; not in `test`)
test-faults: setup
	scripts/test-faults

## soak: setup, then berthd under 20 clients cycling every operation for 30 min (memory, fds, list latency; not in `test`)
soak: setup
	scripts/soak

## demo: setup, start berthd on its default socket, show it working through the berth CLI
demo: setup
	scripts/demo

demo-stop:
	scripts/demo stop

## install: Node.js 24, the build and (without DESTDIR) the packages berthd runs with, then berth under PREFIX (default /usr/local; DESTDIR honoured) with its systemd units
install:
	scripts/setup --install
	scripts/install install

## uninstall: remove what install put there (the configuration, the data and the berth group stay)
uninstall:
	scripts/install uninstall

clean:
	rm -rf dist

## bench: berthd and Debian's dockerd 20.10 side by side (installs docker.io for the comparison); ends with the summary table, bench-results/summary-*.json and docs/bench-ratios.svg
bench: setup
	scripts/bench
