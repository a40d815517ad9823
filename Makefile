# Operator and developer commands. `make help` lists them.
SWIFT ?= swift
CGIPOOL := .build/release/cgipool
CONFIG ?= $(if $(CGI_POOL_CONFIG),$(CGI_POOL_CONFIG),ops/process_config.json)

.PHONY: help deps build test start start-bg stop stop-force restart apply status cleanup units bench bench-hosts install uninstall install-shell soak fuzz fuzz-ci

help: ## List the targets.
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

deps: ## Install missing system packages (libsystemd-dev, systemd, ...; needs root).
	@ops/install-deps.sh

build: deps ## Build cgipool (release, statically linked Swift runtime: ops/build.sh).
	SWIFT=$(SWIFT) ops/build.sh

test: build ## Build, then run every test (unit, end-to-end, real systemd manager, demo pool).
	python3 -m unittest discover -s ops/demo -p 'test_*.py'
	$(SWIFT) build --build-tests
	CGIPOOL_BINARY=$(CURDIR)/$(CGIPOOL) $(SWIFT) test --skip-build
	.build/debug/fuzz-config Fuzz/corpus/config Fuzz/seeds/config
	.build/debug/fuzz-escape Fuzz/corpus/escape Fuzz/seeds/escape

start: build ## Start the pool and stay in the foreground, showing it live (Ctrl+C stops it).
	ops/startup.sh --no-build --monitor

start-bg: build ## Start the pool in the background (systemd supervises; nothing of cgipool stays running).
	ops/startup.sh --no-build --no-monitor

stop: ## Stop the pool gracefully.
	ops/shutdown.sh

stop-force: ## Stop the pool, killing stubborn processes at once, and reap orphans.
	ops/shutdown.sh --force --cleanup

restart: build ## Restart every process of the pool.
	$(CGIPOOL) restart --config $(CONFIG)

apply: build ## Apply config changes: start added, stop removed, restart changed processes (see cgipool plan).
	$(CGIPOOL) apply --config $(CONFIG)

status: ## Show the pool's state.
	@$(CGIPOOL) status --config $(CONFIG)

cleanup: ## Terminate orphaned pool processes that run outside the pool's units.
	$(CGIPOOL) cleanup --config $(CONFIG)

units: build ## Write the pool's unit files into build/units/.
	$(CGIPOOL) generate units --config $(CONFIG) --output build/units

install: build install-shell ## Install the pool as systemd unit files, started at boot, with completions and the man page (root, on a host booted with systemd; INSTALL_FLAGS=--now starts it).
	$(CGIPOOL) install --config $(CONFIG) $(INSTALL_FLAGS)

uninstall: ## Stop, disable and remove what `make install` installed.
	$(if $(wildcard $(CGIPOOL)),$(CGIPOOL),/usr/local/bin/cgipool) uninstall --config $(CONFIG)

install-shell: build ## Install shell completions (bash, zsh, fish) and the man page (PREFIX=/usr/local, DESTDIR=).
	CGIPOOL=$(CGIPOOL) ops/install-shell.sh

fuzz: ## Fuzz the config parser/validator and the unit-file escaper, 10 minutes each (FUZZ_SECONDS=N).
	SWIFT=$(SWIFT) ops/fuzz.sh $(if $(FUZZ_SECONDS),$(FUZZ_SECONDS),600)

fuzz-ci: ## Fuzz each target for 60 s (run by .ci/run).
	SWIFT=$(SWIFT) ops/fuzz.sh 60

bench: ## Run the benchmarks and write BENCHMARKS.md.
	bench/run.sh

bench-hosts: ## Pool across hosts: status and cold start on three booted containers (root).
	nice -n 10 bench/across_hosts.py

soak: build ## Soak the demo pool for 10 minutes: load, random kill -9 and SIGSTOP, then health and leak counts.
	nice -n 10 ops/soak/soak.py --duration $(or $(SOAK_SECONDS),600)
