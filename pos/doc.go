// Package pos holds StoreEdge's domain: products and prices, sales, returns,
// shifts, staff and the events a shop sends to the central office. It knows
// nothing of HTTP, bbolt or MQTT; adapters in edge, pos/bolt and sync
// implement or use the service interfaces declared here.
//
// # Basics
//
// Money is always an integer count of minor units (kopecks for RUB) with an
// ISO 4217 currency. Prices are VAT-inclusive. Every rounding step is explicit
// and rounds half away from zero to the minor unit ([DivRound]).
//
// A product's price list is effective-dated: the price charged is the one in
// force at the moment of sale ([Product.PriceAt]). Weighed goods (unit gram)
// are priced per kilogram and sold by the gram.
//
// Every string the domain accepts is one line of printable UTF-8: the
// Validate methods (requests, products, downlink items, staff names) call
// [CheckText], which refuses control characters and names the field by its
// JSON path. Free-text fields, tagged `text:"multiline"`, may also hold tab
// and newline. One NUL in an event once stalled a shop's sync.
//
// # Caveats
//
// The functions here are pure: callers pass the time in, so tests can use a
// fake clock and a sale is priced exactly once, inside the storage
// transaction that records it.
package pos
