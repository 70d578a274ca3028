//go:build tools

// Package tools pins etcd's server command (package main in 3.5 to 3.7), which
// build.sh compiles, so that `go mod tidy` keeps its dependencies.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
