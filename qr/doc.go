// Package qr makes price-tag codes and draws what carries them: QR images
// (PNG and SVG), single tags as PNG and printable A4 sheets of tags as PDF.
//
// # Basics
//
// A tag code is ten characters of Crockford base32: nine random ones and a
// check character (see NewTagCode). A tag's QR holds TagURL(base, code).
// PNG and SVG draw a QR with the error correction Level chosen (M by
// default); WriteSheet lays pos.TagLabels out 24 to an A4 page and TagPNG
// draws one tag for the API.
//
// # Caveats
//
// The Go fonts (golang.org/x/image/font/gofont), embedded so nothing is read
// from disk at run time, cover Latin, Greek and Cyrillic but have no rouble
// sign: tags draw ₽ as a Cyrillic Р with the bar added, so text extracted
// from a sheet reads "89,90 Р". Characters the fonts lack (emoji, CJK) print
// as a placeholder.
//
// The package is a leaf: it imports pos for TagLabel and Money only.
package qr
