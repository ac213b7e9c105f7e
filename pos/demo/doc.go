// Package demo holds the demo shop that `storeedge serve --demo` seeds
// into an empty catalog: a few hundred realistic products of a Russian
// convenience store, two tills and two members of staff.
//
// # Basics
//
// [Products] is deterministic: it draws from a PCG generator with a fixed
// seed, so every demo shop, test and screenshot shows the same catalog.
// Only the dates of promotions, future prices and reviews move with the
// clock the caller passes in. Reviews draw from a second seeded stream, so
// they can change without moving a single barcode or price.
//
// # Caveats
//
// Barcodes carry the Russian GS1 prefixes 460-469 and correct check
// digits, but they are invented: do not scan real goods into a demo shop.
// Brands are invented too.
package demo
