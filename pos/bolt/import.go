package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// A catalog file is imported as a whole or not at all, in transactions of
// bounded size: one transaction of 50,000 products needed twice the memory
// of a Pi Zero's budget, and chunks committed one by one left a mix of the
// old and the new catalog after a power cut. So the import is a redo log:
// the products are checked, staged chunk by chunk, marked ready in one small
// transaction, and then applied chunk by chunk. Opening the database
// finishes an import that was marked ready and drops one that was not.
var (
	bucketImportStaging = []byte("import_staging") // position (8) → pos.ProductImport JSON
	keyImportReady      = []byte("import_ready")   // the staged import's time, once it is all staged
)

// stagedProduct is a pos.ProductImport as staged: its stock fields are
// kept out of the product's JSON everywhere else.
type stagedProduct struct {
	Product  pos.Product `json:"product"`
	StockSet bool        `json:"stock_set"`
	OnHand   int64       `json:"on_hand"`
}

// DefaultImportChunk is how many products one transaction of an import
// writes.
const DefaultImportChunk = 5000

// migrateV7 adds the staging bucket of catalog imports.
func migrateV7(tx *bbolt.Tx, now time.Time) error {
	_, err := tx.CreateBucketIfNotExists(bucketImportStaging)
	return err
}

// ImportCatalog imports items atomically: after it returns, or after a
// power cut and the next Open, the catalog is either as before or has every
// item. Bad input and barcode conflicts are found before anything is
// written (validation_failed, conflict, with the item's field). chunk
// bounds each transaction (DefaultImportChunk when 0).
func (s *CatalogService) ImportCatalog(ctx context.Context, items []pos.ProductImport, chunk int) (pos.ImportResult, error) {
	if chunk <= 0 {
		chunk = DefaultImportChunk
	}
	if err := s.prepare(items); err != nil {
		return pos.ImportResult{}, err
	}
	if err := s.db.bolt.View(func(tx *bbolt.Tx) error { return checkBarcodes(tx, items) }); err != nil {
		return pos.ImportResult{}, err
	}
	if err := s.stage(ctx, items, chunk); err != nil {
		return pos.ImportResult{}, err
	}
	var res pos.ImportResult
	for {
		var done bool
		err := s.db.update(ctx, false, func(tx *bbolt.Tx) (err error) {
			var r pos.ImportResult
			r, done, err = applyStaged(tx, chunk)
			res.Created, res.Updated = res.Created+r.Created, res.Updated+r.Updated
			return err
		})
		if err != nil || done {
			return res, err
		}
	}
}

// prepare normalizes and validates every item, naming the one at fault.
func (s *CatalogService) prepare(items []pos.ProductImport) error {
	for i := range items {
		items[i].Normalize()
		if items[i].Currency == "" {
			items[i].Currency = s.db.Currency
		}
		if err := items[i].Validate(); err != nil {
			return atItem(err, i)
		}
	}
	return nil
}

// atItem prefixes an error's field with the item's place in the import.
func atItem(err error, i int) error {
	if e, ok := err.(*pos.Error); ok {
		e.Field = "products[" + itoa(i) + "]." + e.Field
	}
	return err
}

// checkBarcodes finds, without writing, every conflict that putProduct
// would meet applying items in order: a barcode (or scale code) another
// SKU owns, in the database or after an earlier item of the import took it.
func checkBarcodes(tx *bbolt.Tx, items []pos.ProductImport) error {
	owner := map[string]string{}      // index key → SKU, as the import leaves it
	keys := map[string][]productKey{} // SKU → its index keys, for SKUs the import wrote
	ownerOf := func(k string) string {
		if o, ok := owner[k]; ok {
			return o
		}
		return string(tx.Bucket(bucketBarcodes).Get([]byte(k)))
	}
	for i := range items {
		it := &items[i]
		for _, k := range indexKeys(&it.Product) {
			if o := ownerOf(k.key); o != "" && o != it.SKU {
				return &pos.Error{Code: pos.CodeConflict, Field: fmt.Sprintf("products[%d].%s", i, k.field),
					Message: k.what + " belongs to SKU " + o}
			}
		}
		old, ok := keys[it.SKU]
		if !ok {
			if p, err := findProduct(tx, it.SKU); err != nil {
				return err
			} else if p != nil {
				old = indexKeys(p)
			}
		}
		for _, k := range old { // released, as unindexBarcodes does
			if ownerOf(k.key) == it.SKU {
				owner[k.key] = ""
			}
		}
		keys[it.SKU] = indexKeys(&it.Product)
		for _, k := range keys[it.SKU] {
			owner[k.key] = it.SKU
		}
	}
	return nil
}

// stage writes the items into the staging bucket, chunk by chunk (an
// earlier import that never got marked ready is dropped first), then
// marks the import ready in one small transaction.
func (s *CatalogService) stage(ctx context.Context, items []pos.ProductImport, chunk int) error {
	if err := s.db.update(ctx, false, dropStaged); err != nil {
		return err
	}
	for start := 0; start < len(items); start += chunk {
		part := items[start:min(start+chunk, len(items))]
		err := s.db.update(ctx, false, func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucketImportStaging)
			b.FillPercent = 1.0
			for i := range part {
				it := stagedProduct{Product: part[i].Product, StockSet: part[i].StockSet, OnHand: part[i].OnHand}
				if err := putJSON(b, u64(uint64(start+i)), &it); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	now := s.db.Now().UTC()
	return s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyImportReady, []byte(now.Format(time.RFC3339Nano)))
	})
}

// dropStaged throws away a staged import that was never marked ready.
func dropStaged(tx *bbolt.Tx) error {
	if tx.Bucket(bucketMeta).Get(keyImportReady) != nil {
		return nil // ready: it is finished, not dropped
	}
	if isEmpty(tx.Bucket(bucketImportStaging)) {
		return nil
	}
	if err := tx.DeleteBucket(bucketImportStaging); err != nil {
		return err
	}
	_, err := tx.CreateBucket(bucketImportStaging)
	return err
}

// applyStaged applies up to chunk staged products, in their order, and
// reports whether the import is done (its mark is then gone).
func applyStaged(tx *bbolt.Tx, chunk int) (res pos.ImportResult, done bool, err error) {
	meta := tx.Bucket(bucketMeta)
	now, err := time.Parse(time.RFC3339Nano, string(meta.Get(keyImportReady)))
	if err != nil {
		return res, true, nil // nothing ready
	}
	c := tx.Bucket(bucketImportStaging).Cursor()
	for k, v := c.First(); k != nil && res.Created+res.Updated < chunk; k, v = c.First() {
		var sp stagedProduct
		if err := json.Unmarshal(v, &sp); err != nil {
			return res, false, fmt.Errorf("staged product: %w", err)
		}
		it := pos.ProductImport{Product: sp.Product, StockSet: sp.StockSet, OnHand: sp.OnHand}
		created, err := putProduct(tx, &it, now)
		if err != nil {
			return res, false, err
		}
		if created {
			res.Created++
		} else {
			res.Updated++
		}
		if err := c.Delete(); err != nil {
			return res, false, err
		}
	}
	if k, _ := c.First(); k != nil {
		return res, false, nil
	}
	return res, true, meta.Delete(keyImportReady)
}

// finishImport runs at Open: a staged import marked ready is applied to
// the end, one that was not is dropped. It reports how many products it
// applied.
func (db *DB) finishImport() (int, error) {
	var staged bool
	if err := db.bolt.View(func(tx *bbolt.Tx) error {
		staged = !isEmpty(tx.Bucket(bucketImportStaging)) || tx.Bucket(bucketMeta).Get(keyImportReady) != nil
		return nil
	}); err != nil || !staged {
		return 0, err // the usual start: no commit, no fsync
	}
	n := 0
	for {
		var done bool
		err := db.bolt.Update(func(tx *bbolt.Tx) error {
			if err := dropStaged(tx); err != nil {
				return err
			}
			r, d, err := applyStaged(tx, DefaultImportChunk)
			n, done = n+r.Created+r.Updated, d
			return err
		})
		if err != nil || done {
			return n, err
		}
	}
}
