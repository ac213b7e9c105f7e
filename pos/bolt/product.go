package bolt

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.CatalogService = (*CatalogService)(nil)

// CatalogService implements pos.CatalogService.
type CatalogService struct{ db *DB }

// NewCatalogService returns a catalog service on db.
func NewCatalogService(db *DB) *CatalogService { return &CatalogService{db: db} }

// FindProductBySKU returns one product with its stock.
func (s *CatalogService) FindProductBySKU(ctx context.Context, sku string) (*pos.Product, error) {
	var p *pos.Product
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		p, err = findProduct(tx, sku)
		return err
	})
	if err == nil && p == nil {
		return nil, pos.Errorf(pos.CodeNotFound, "no product with SKU %q", sku)
	}
	return p, err
}

// FindProductByBarcode returns the product with a barcode (UPC-A and its
// EAN-13 form are the same code).
func (s *CatalogService) FindProductByBarcode(ctx context.Context, barcode string) (*pos.Product, error) {
	var p *pos.Product
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		sku := tx.Bucket(bucketBarcodes).Get([]byte(pos.CanonicalBarcode(barcode)))
		if sku == nil {
			return nil
		}
		p, err = findProduct(tx, string(sku))
		return err
	})
	if err == nil && p == nil {
		return nil, pos.Errorf(pos.CodeNotFound, "no product with barcode %q", barcode)
	}
	return p, err
}

// FindProductByScaleCode returns the product with a scale code (the item
// code of a scale label; leading zeros do not matter). Codes: not_found.
func (s *CatalogService) FindProductByScaleCode(ctx context.Context, code string) (*pos.Product, error) {
	var p *pos.Product
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		p, err = findProductByScaleCode(tx, code)
		return err
	})
	if err == nil && p == nil {
		return nil, pos.Errorf(pos.CodeNotFound, "no product with scale code %q", code)
	}
	return p, err
}

// findProductByScaleCode reads the product of a scale code; nil when none.
func findProductByScaleCode(tx *bbolt.Tx, code string) (*pos.Product, error) {
	sku := tx.Bucket(bucketBarcodes).Get([]byte(scaleKey(code)))
	if sku == nil {
		return nil, nil
	}
	return findProduct(tx, string(sku))
}

// CountProducts returns the number of products.
func (s *CatalogService) CountProducts(ctx context.Context) (n int, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucketProducts).Stats().KeyN
		return nil
	})
	return n, err
}

// findProduct reads a product and its stock; nil when the SKU is unknown.
func findProduct(tx *bbolt.Tx, sku string) (*pos.Product, error) {
	v := tx.Bucket(bucketProducts).Get([]byte(sku))
	if v == nil {
		return nil, nil
	}
	var p pos.Product
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, err
	}
	p.Stock = readStock(tx, sku)
	return &p, nil
}

// FindProducts searches by SKU, barcode or any part of a name, ignoring
// case (and ё/е). It scans the compact search bucket rather than keeping an
// index in memory: at 50,000 products a scan is a few milliseconds and costs
// no RAM or start-up time on a Pi.
func (s *CatalogService) FindProducts(ctx context.Context, f pos.ProductFilter) ([]*pos.Product, string, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	start, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	q := []byte(FoldSearch(f.Query))
	var items []*pos.Product
	var next string
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketSearch).Cursor()
		k, v := c.Seek(start)
		if len(start) > 0 && bytes.Equal(k, start) {
			k, v = c.Next()
		}
		for ; k != nil; k, v = c.Next() {
			if len(q) > 0 && !bytes.Contains(v, q) {
				continue
			}
			if len(items) == limit {
				next = encodeCursor(items[len(items)-1].SKU)
				return nil
			}
			p, err := findProduct(tx, string(k))
			if err != nil {
				return err
			}
			items = append(items, p)
		}
		return nil
	})
	return items, next, err
}

// FoldSearch lowercases s and folds ё to е, the way search text is stored.
func FoldSearch(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "ё", "е")
}

func searchText(p *pos.Product) string {
	return FoldSearch(p.SKU + "\n" + p.Name + "\n" + p.NameEn + "\n" + strings.Join(p.Barcodes, "\n"))
}

func encodeCursor(sku string) string { return encodeCursorBytes([]byte(sku)) }

func encodeCursorBytes(k []byte) string { return base64.RawURLEncoding.EncodeToString(k) }

func decodeCursor(c string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) > 256 {
		return nil, pos.FieldErrorf("cursor", "cursor is not one this server gave out")
	}
	return b, nil
}

// ImportProducts creates or replaces products in one transaction.
func (s *CatalogService) ImportProducts(ctx context.Context, items []pos.ProductImport) (pos.ImportResult, error) {
	for i := range items {
		items[i].Normalize()
		if items[i].Currency == "" {
			items[i].Currency = s.db.Currency
		}
		if err := items[i].Validate(); err != nil {
			if e, ok := err.(*pos.Error); ok {
				e.Field = "products[" + itoa(i) + "]." + e.Field
			}
			return pos.ImportResult{}, err
		}
	}
	now := s.db.Now().UTC()
	var res pos.ImportResult
	err := s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		res = pos.ImportResult{}
		for i := range items {
			created, err := putProduct(tx, &items[i], now)
			if err != nil {
				if e, ok := err.(*pos.Error); ok {
					e.Field = "products[" + itoa(i) + "]." + e.Field
				}
				return err
			}
			if created {
				res.Created++
			} else {
				res.Updated++
			}
		}
		return nil
	})
	return res, err
}

// putProduct writes a product, its barcode index and search text, and its
// stock when the import sets it (or a stock record of 0 for a new SKU).
func putProduct(tx *bbolt.Tx, it *pos.ProductImport, now time.Time) (created bool, err error) {
	barcodes := tx.Bucket(bucketBarcodes)
	for _, k := range indexKeys(&it.Product) {
		if owner := barcodes.Get([]byte(k.key)); owner != nil && string(owner) != it.SKU {
			return false, &pos.Error{Code: pos.CodeConflict, Field: k.field,
				Message: k.what + " belongs to SKU " + string(owner)}
		}
	}
	old, err := writeProduct(tx, &it.Product, now)
	if err != nil {
		return false, err
	}
	if it.StockSet || old == nil {
		st := readStock(tx, it.SKU)
		st.OnHand = it.OnHand
		if err := writeStock(tx, it.SKU, st); err != nil {
			return false, err
		}
	}
	return old == nil, nil
}

// writeProduct writes a product (without stock), its barcode index and its
// search text, and returns the product it replaced (nil if none). Barcodes
// are written over whatever owned them: callers check conflicts first. An
// old barcode is unindexed only while it still points to this SKU, so a
// barcode another product has taken over keeps pointing there.
func writeProduct(tx *bbolt.Tx, in *pos.Product, now time.Time) (old *pos.Product, err error) {
	p := *in
	p.Stock = pos.Stock{}
	p.UpdatedAt = now
	key := []byte(p.SKU)
	if old, err = findProduct(tx, p.SKU); err != nil {
		return nil, err
	}
	if old != nil {
		if err := unindexBarcodes(tx, old); err != nil {
			return nil, err
		}
	}
	barcodes := tx.Bucket(bucketBarcodes)
	for _, k := range indexKeys(&p) {
		if err := barcodes.Put([]byte(k.key), key); err != nil {
			return nil, err
		}
	}
	if err := putJSON(tx.Bucket(bucketProducts), key, &p); err != nil {
		return nil, err
	}
	return old, tx.Bucket(bucketSearch).Put(key, []byte(searchText(&p)))
}

// productKey is one entry of a product in the barcode index: a
// canonical barcode, or its scale code under scaleKeyPrefix. field and
// what name it in a conflict.
type productKey struct{ key, field, what string }

// scaleKeyPrefix keeps scale codes apart from barcodes in the barcode
// index (barcodes are digits only), so the index needed no new bucket.
const scaleKeyPrefix = "scale/"

// scaleKey is the barcode-index key of a scale label's item code.
func scaleKey(code string) string { return scaleKeyPrefix + pos.NormalizeScaleCode(code) }

// indexKeys returns the keys of p in the barcode index.
func indexKeys(p *pos.Product) []productKey {
	keys := make([]productKey, 0, len(p.Barcodes)+1)
	for i, b := range p.Barcodes {
		keys = append(keys, productKey{pos.CanonicalBarcode(b), "barcodes[" + itoa(i) + "]", "barcode " + b})
	}
	if p.ScaleCode != "" {
		keys = append(keys, productKey{scaleKey(p.ScaleCode), "scale_code", "scale code " + p.ScaleCode})
	}
	return keys
}

// unindexBarcodes removes the barcodes and scale code of p that still
// point to it.
func unindexBarcodes(tx *bbolt.Tx, p *pos.Product) error {
	barcodes := tx.Bucket(bucketBarcodes)
	for _, pk := range indexKeys(p) {
		k := []byte(pk.key)
		if string(barcodes.Get(k)) != p.SKU {
			continue
		}
		if err := barcodes.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// deleteProduct removes a product from the catalog: its record, barcodes
// and search text. Its stock record stays (the goods may still be on the
// shelf, and a product that comes back keeps its count), and so do its
// sales. It reports whether there was a product.
func deleteProduct(tx *bbolt.Tx, sku string) (bool, error) {
	old, err := findProduct(tx, sku)
	if err != nil || old == nil {
		return false, err
	}
	if err := unindexBarcodes(tx, old); err != nil {
		return false, err
	}
	if err := tx.Bucket(bucketProducts).Delete([]byte(sku)); err != nil {
		return false, err
	}
	return true, tx.Bucket(bucketSearch).Delete([]byte(sku))
}

// readStock returns a SKU's stock; zero when none was ever recorded.
func readStock(tx *bbolt.Tx, sku string) pos.Stock {
	v := tx.Bucket(bucketStock).Get([]byte(sku))
	if len(v) != 16 {
		return pos.Stock{}
	}
	st := pos.Stock{OnHand: int64(binary.BigEndian.Uint64(v)), Reserved: int64(binary.BigEndian.Uint64(v[8:]))}
	st.Available = st.OnHand - st.Reserved
	return st
}

func writeStock(tx *bbolt.Tx, sku string, st pos.Stock) error {
	v := make([]byte, 16)
	binary.BigEndian.PutUint64(v, uint64(st.OnHand))
	binary.BigEndian.PutUint64(v[8:], uint64(st.Reserved))
	return tx.Bucket(bucketStock).Put([]byte(sku), v)
}

// addStock changes on-hand stock by delta and returns the new stock.
func addStock(tx *bbolt.Tx, sku string, delta int64) (pos.Stock, error) {
	st := readStock(tx, sku)
	st.OnHand += delta
	st.Available = st.OnHand - st.Reserved
	return st, writeStock(tx, sku, st)
}
