package bolt

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// remoteStockKey is the key of a shop's stock line: sku NUL store, so one
// SKU's lines across shops are a key range.
func remoteStockKey(sku, store string) []byte { return []byte(sku + "\x00" + store) }

// applyRemoteStock stores other shops' stock lines.
func applyRemoteStock(tx *bbolt.Tx, version uint64, items []pos.RemoteStock) (int, error) {
	applied := 0
	b := tx.Bucket(bucketStockElsewhere)
	for _, i := range lastIndexes(len(items), func(i int) string { return string(remoteStockKey(items[i].SKU, items[i].Store)) }) {
		it := &items[i]
		if ok, err := claimItem(tx, itemKey(pos.StreamStock, it.SKU, it.Store), version); err != nil {
			return 0, err
		} else if !ok {
			continue
		}
		applied++
		it.At = it.At.UTC()
		if err := putJSON(b, remoteStockKey(it.SKU, it.Store), it); err != nil {
			return 0, err
		}
	}
	return applied, nil
}

// FindRemoteStock returns other shops' stock of a SKU, by store id (none:
// an empty list).
func (s *DownlinkService) FindRemoteStock(ctx context.Context, sku string) ([]pos.RemoteStock, error) {
	if !pos.ValidSKU(sku) {
		return nil, pos.FieldErrorf("sku", "sku is required")
	}
	out := []pos.RemoteStock{}
	prefix := []byte(sku + "\x00")
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketStockElsewhere)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rs pos.RemoteStock
			if err := json.Unmarshal(v, &rs); err != nil {
				return err
			}
			out = append(out, rs)
		}
		return nil
	})
	return out, err
}
