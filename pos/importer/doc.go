// Package importer turns catalog import files into products for
// pos.CatalogService.ImportProducts. It reads two formats, CSV and JSON,
// and returns every product normalized and validated, or one error that
// names the place (a CSV line and column, or a JSON path).
//
// # Basics
//
// Money is integer minor units (kopecks) in both formats; a decimal such as
// "129.90" is refused with a hint, never rounded. A price without an
// effective time is in force from the zero time, i.e. always. In a CSV file
// several rows with the same SKU add price points and promotions to one
// product, which is how a price list with future prices is imported.
//
// # Caveats
//
// An import is all or nothing: the first bad row fails the whole file, so a
// half-loaded catalog never reaches the till. Files are capped at
// [MaxProducts] products and [MaxInputBytes] bytes.
package importer
