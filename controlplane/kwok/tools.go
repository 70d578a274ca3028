//go:build tools

// Package tools pins KWOK's `kwok` command, which build.sh compiles, so that
// `go mod tidy` keeps its dependencies.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
