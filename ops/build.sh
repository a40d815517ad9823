#!/usr/bin/env bash
# Build the cgipool binary that operators run: release, with the Swift standard library and
# Foundation linked statically. Every health probe and every `cgipool status` starts this
# binary, and static linking makes each start ~3x cheaper (see BENCHMARKS.md).
# The result is .build/release/cgipool. Extra arguments go to `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${SWIFT:-swift}" build -c release --static-swift-stdlib --product cgipool "$@"
