package bolt

import (
	"encoding/json"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// The catalog and prices streams both touch a product, with versions that
// cannot be compared (each stream numbers its own messages). The rule that
// makes the result independent of their order: once the prices stream has
// set a SKU's price list, it alone sets it. A catalog item then keeps the
// price list the product has (or the one waiting in pending_prices); a
// price item for a SKU not in the catalog waits in pending_prices until
// the catalog brings the product, and a deleted product's price list goes
// back there so that it comes back with the product.

// barcodeTake is a barcode a catalog item took over from another product.
type barcodeTake struct {
	item, index int
	barcode     string
	from        string // the SKU that had it
}

// applyCatalog upserts or deletes the products of a catalog message. The
// shop's stock is never touched. A barcode may move between products
// within one message in any order; one that ends the message claimed by
// two products fails the whole message.
func applyCatalog(tx *bbolt.Tx, version uint64, items []pos.CatalogItem, now time.Time) (int, error) {
	applied := 0
	var takes []barcodeTake
	for _, i := range lastIndexes(len(items), func(i int) string { return items[i].SKU }) {
		it := &items[i]
		if ok, err := claimItem(tx, itemKey(pos.StreamCatalog, it.SKU), version); err != nil {
			return 0, err
		} else if !ok {
			continue
		}
		applied++
		if it.Deleted {
			if err := removeCatalogProduct(tx, it.SKU); err != nil {
				return 0, err
			}
			continue
		}
		t, err := upsertCatalogProduct(tx, i, &it.Product, now)
		if err != nil {
			return 0, err
		}
		takes = append(takes, t...)
	}
	return applied, checkBarcodeTakes(tx, takes)
}

// upsertCatalogProduct writes a catalog product with the price list the
// prices stream set, if it did, and returns the barcodes it took over.
func upsertCatalogProduct(tx *bbolt.Tx, item int, in *pos.Product, now time.Time) ([]barcodeTake, error) {
	p := *in
	pending := tx.Bucket(bucketPendingPrices)
	var pi pos.PriceItem
	if found, err := getJSON(pending, []byte(p.SKU), &pi); err != nil {
		return nil, err
	} else if found {
		p.Prices, p.Promotions = pi.Prices, pi.Promotions
		if err := pending.Delete([]byte(p.SKU)); err != nil {
			return nil, err
		}
	} else if itemVersion(tx, itemKey(pos.StreamPrices, p.SKU)) > 0 {
		if old, err := findProduct(tx, p.SKU); err != nil {
			return nil, err
		} else if old != nil {
			p.Prices, p.Promotions = old.Prices, old.Promotions
		}
	}
	var takes []barcodeTake
	barcodes := tx.Bucket(bucketBarcodes)
	for j, b := range p.Barcodes {
		if owner := barcodes.Get([]byte(pos.CanonicalBarcode(b))); owner != nil && string(owner) != p.SKU {
			takes = append(takes, barcodeTake{item: item, index: j, barcode: b, from: string(owner)})
		}
	}
	_, err := writeProduct(tx, &p, now)
	return takes, err
}

// removeCatalogProduct deletes a product, keeping a price list the prices
// stream set for it aside in pending_prices.
func removeCatalogProduct(tx *bbolt.Tx, sku string) error {
	old, err := findProduct(tx, sku)
	if err != nil || old == nil {
		return err
	}
	if itemVersion(tx, itemKey(pos.StreamPrices, sku)) > 0 {
		pi := pos.PriceItem{SKU: sku, Prices: old.Prices, Promotions: old.Promotions}
		if err := putJSON(tx.Bucket(bucketPendingPrices), []byte(sku), &pi); err != nil {
			return err
		}
	}
	_, err = deleteProduct(tx, sku)
	return err
}

// checkBarcodeTakes fails the message if a product it took a barcode from
// still lists that barcode: two products would claim one code, and a scan
// would find the wrong one.
func checkBarcodeTakes(tx *bbolt.Tx, takes []barcodeTake) error {
	for _, t := range takes {
		p, err := findProduct(tx, t.from)
		if err != nil {
			return err
		}
		if p == nil {
			continue
		}
		for _, b := range p.Barcodes {
			if pos.CanonicalBarcode(b) == pos.CanonicalBarcode(t.barcode) {
				return pos.FieldErrorf("items["+itoa(t.item)+"].barcodes["+itoa(t.index)+"]",
					"barcode %s belongs to SKU %s", t.barcode, t.from)
			}
		}
	}
	return nil
}

// applyPrices replaces the price lists and promotions of a prices message.
// Prices take effect when their effective_from comes (pos.Product.PriceAt),
// so a change sent ahead of time is stored now and charged from then on.
func applyPrices(tx *bbolt.Tx, version uint64, items []pos.PriceItem, now time.Time) (int, error) {
	applied := 0
	for _, i := range lastIndexes(len(items), func(i int) string { return items[i].SKU }) {
		it := &items[i]
		if ok, err := claimItem(tx, itemKey(pos.StreamPrices, it.SKU), version); err != nil {
			return 0, err
		} else if !ok {
			continue
		}
		applied++
		if err := setPrices(tx, it, now); err != nil {
			return 0, err
		}
	}
	return applied, nil
}

// setPrices puts a price list on its product, or aside until the catalog
// brings the product.
func setPrices(tx *bbolt.Tx, it *pos.PriceItem, now time.Time) error {
	products, pending := tx.Bucket(bucketProducts), tx.Bucket(bucketPendingPrices)
	key := []byte(it.SKU)
	v := products.Get(key)
	if v == nil {
		return putJSON(pending, key, it)
	}
	var p pos.Product
	if err := json.Unmarshal(v, &p); err != nil {
		return err
	}
	p.Prices, p.Promotions, p.UpdatedAt = it.Prices, it.Promotions, now
	if err := putJSON(products, key, &p); err != nil {
		return err
	}
	return pending.Delete(key)
}
