# dcs-tasks: the two commands are `make demo` and `make test` (`make pkg` builds pkg/).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export CARGO_TERM_COLOR ?= never
WASM_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
CHROME_ENV := CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/tests/webdriver.json WASM_BINDGEN_TEST_TIMEOUT=120

.PHONY: help tools pkg site size bench fuzz demo test test-all test-faults test-fuzz test-demo test-native test-lint test-wasm-node test-wasm-chromium test-sign-oracle test-mock test-pkg test-consumers test-proxy test-soak test-page

help:
	@echo "make demo   - run the demo"
	@echo "make test   - the whole test suite (what CI runs)"
	@echo "make pkg    - build the npm package into pkg/"
	@echo "make site   - the page and the package in build/site/, what the proxy serves (edge/README.md)"
	@echo "make size   - what a page downloads with each entry (raw, gzipped), the budgets checked"
	@echo "make fuzz   - run every fuzz target for 5 minutes"
	@echo "make bench  - benchmarks (parse vs JSON.parse, start-up, size, memory) into BENCHMARKS.md"

tools:
	scripts/ensure-tools.sh wasm npm runtimes chromium python

pkg:
	scripts/build-pkg.sh

site: pkg
	node -e 'import("./scripts/stack.mjs").then((m) => console.log("site: " + m.assembleSite()))'

size: pkg
	scripts/size.sh --check

bench: pkg
	node scripts/bench.mjs

fuzz:
	scripts/fuzz.sh 300

demo: pkg
	node scripts/demo.mjs $(if $(PORT),--port $(PORT),)

test: tools
	@mkdir -p build
	set -o pipefail; $(MAKE) --no-print-directory test-all 2>&1 | tee build/test-output.log
	scripts/check-secrets.sh build/test-output.log
	@scripts/test-summary.sh build/test-output.log

# Each suite in turn, its wall time printed (tests/README.md lists them).
SUITES := test-lint test-native test-sign-oracle test-wasm-node test-wasm-chromium test-mock pkg test-pkg test-consumers test-proxy test-soak test-page test-demo test-faults test-fuzz
test-all:
	@for t in $(SUITES); do \
	  s=$$(date +%s); $(MAKE) --no-print-directory $$t || exit 1; \
	  echo "suite-time: $$t $$(( $$(date +%s) - s )) s"; \
	done
	node scripts/bench.mjs --smoke
	scripts/size.sh --check
	node scripts/bench-docs.mjs --check

test-lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --workspace --all-targets --target wasm32-unknown-unknown --features proxy -- -D warnings
	cargo clippy -p dcs-tasks --lib --target wasm32-unknown-unknown --no-default-features --features page -- -D warnings
	scripts/check-no-hand-written.sh
	scripts/check-core-deps.sh
	node scripts/check-paths.mjs
	node scripts/check-fn-length.mjs
	node scripts/snippets.mjs --check
	node scripts/gen-element-api.mjs --check

# The two hostile-key figures (issue 12) run on their own, with their output shown.
HOSTILE_KEYS := colliding_keys_cost_what_ordinary_keys_cost unknown_keys_are_bounded_in_warnings_and_output
# The Python-oracle test runs in test-sign-oracle (it needs the oracle's venv).
test-native:
	cargo test --workspace --all-targets -- $(addprefix --skip ,$(HOSTILE_KEYS)) --skip matches_the_official_python_signer
	cargo test -p dcs-tasks-parse --test parse_bounds -- --nocapture $(HOSTILE_KEYS)

test-sign-oracle:
	tests/sign-oracle/run.sh

test-wasm-node:
	node tests/with-mock.mjs -- env $(WASM_RUNNER) cargo test --target wasm32-unknown-unknown --tests

test-wasm-chromium:
	node tests/with-mock.mjs -- env $(WASM_RUNNER) $(CHROME_ENV) WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --tests

test-mock:
	MOCK_DCS_REQUIRE_PYSDK=1 node --test tests/mock-dcs/test/

test-pkg:
	node --test tests/pkg/

# The package at zero configuration in Vite 6 and latest (build and dev server), webpack 5, Rollup 4,
# esbuild, Parcel 2, Next.js 15 and no bundler; the elements in Vite, React 19 + Vite and Angular 21
# (tests/consumers: the toolchains pinned in its package-lock.json, installed once).
test-consumers:
	node --test tests/consumers/

test-proxy:
	node --test tests/proxy/

# Wasm memory in real workerd over 5,000 proxy all=1 requests and 5,000 listTasks calls.
test-soak:
	node --test tests/soak/

test-page:
	node --test tests/page/

test-faults:
	node --test tests/faults/

test-demo:
	node --test tests/demo/

test-fuzz:
	scripts/fuzz.sh 10
