package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"github.com/storeedge/storeedge/pos/importer"
)

// importChunk bounds one import transaction, so a 50,000-product file does
// not build one huge transaction in a Pi's memory (one needed 283 MB, twice
// the chunks' 143 MB). The import as a whole is still atomic: see
// bolt.CatalogService.ImportCatalog.
const importChunk = bolt.DefaultImportChunk

func (m *Main) runCatalog(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef("usage: storeedge catalog import --data DIR FILE.csv|FILE.json")
	}
	fs := m.newFlagSet("catalog import")
	data := fs.String("data", m.Getenv("STOREEDGE_DATA"), "data directory (env STOREEDGE_DATA)")
	currency := fs.String("currency", "RUB", "currency of prices that name none")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("give exactly one FILE.csv or FILE.json")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openData(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	items, err := importer.Parse(filepath.Base(path), f, importer.Defaults{Currency: *currency, Now: db.Now()})
	if err != nil {
		return fmt.Errorf("%s: %s: %s", path, pos.ErrorField(err), pos.ErrorMessage(err))
	}
	res, err := importProducts(ctx, bolt.NewCatalogService(db), items)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "imported %d products: %d new, %d updated\n", len(items), res.Created, res.Updated)
	return nil
}

// importProducts loads items as one import (all or none, also across a
// power cut) in transactions of importChunk.
func importProducts(ctx context.Context, c *bolt.CatalogService, items []pos.ProductImport) (pos.ImportResult, error) {
	res, err := c.ImportCatalog(ctx, items, importChunk)
	if f := pos.ErrorField(err); err != nil && f != "" {
		return res, fmt.Errorf("%s: %s", f, pos.ErrorMessage(err))
	}
	return res, err
}
