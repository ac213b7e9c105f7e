// Package firmware holds StoreEdge's firmware profiles: one file of tuned
// settings per kind of hardware a shop runs the edge server on (a Raspberry
// Pi 4, a Pi Zero 2 W, an x86 till PC, a price checker). `storeedge serve
// --profile NAME` applies a profile on top of the built-in defaults and
// below the config file, the STOREEDGE_* environment and the flags.
//
// # Basics
//
// The profiles are embedded in the binary ([Names], [Load]), so a device
// needs nothing but the one executable. A profile is a strict subset of
// YAML that the standard library alone can parse ([Parse]): comments, blank
// lines and `key: value` lines whose key is dotted (`http.body_limit: 1MiB`)
// and whose value may be quoted. The `description` key describes the
// profile; every other key is a setting of `storeedge serve`. This package
// only parses: cmd/storeedge knows the keys and checks their values.
//
// # Caveats
//
// The directory is firmware-profiles/ because that is the name the product's
// design gives it, but a hyphenated name is not a Go identifier, so the
// package is called firmware. Importers write
//
//	import firmware "github.com/storeedge/storeedge/firmware-profiles"
//
// as github.com/skip2/go-qrcode (package qrcode) does. The alias is optional
// but tells the reader where the name comes from.
//
// Every file this package accepts is also valid YAML with the same meaning,
// so editors, linters and yaml.v3 read profiles the same way we do; what the
// subset leaves out (nesting, lists, anchors, tags, block scalars, escapes
// other than \\ and \") is rejected with the line number rather than guessed at.
package firmware
