package bolt

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.DownlinkService = (*DownlinkService)(nil)

// DownlinkService applies what central sends down (catalog, prices,
// customers, other shops' stock, click & collect orders), keeps the
// messages it cannot apply, and answers the lookups on what it stored.
//
// Every item remembers the version of the message that last set it (bucket
// item_versions, key "stream\x00item key"), so a message is applied item
// by item and only where it is newer: replays, duplicates and late older
// messages change nothing, in any order. Keeping the versions aside leaves
// the stored records plain domain JSON that every reader already knows,
// and makes a deletion's version a tombstone that outlives the record.
type DownlinkService struct{ db *DB }

// NewDownlinkService returns a downlink service on db.
func NewDownlinkService(db *DB) *DownlinkService { return &DownlinkService{db: db} }

// ApplyDownlink validates a message and applies it in one group-committed
// transaction. applied counts the items that were newer than what the shop
// held (0 for a replay). A message that does not validate, or a catalog
// message giving a product a barcode another product keeps, returns a
// validation_failed *pos.Error and changes nothing: the caller dead-letters
// it. Codes: validation_failed, storage_full.
func (s *DownlinkService) ApplyDownlink(ctx context.Context, d *pos.Downlink) (int, error) {
	if d == nil {
		return 0, pos.FieldErrorf("stream", "no message")
	}
	if err := d.Validate(); err != nil {
		return 0, err
	}
	items, err := pos.DecodeDownlinkItems(d.Stream, d.Items)
	if err != nil {
		return 0, err
	}
	if err := s.checkForShop(items); err != nil {
		return 0, err
	}
	now := s.db.Now().UTC()
	var applied int
	err = s.db.update(ctx, false, func(tx *bbolt.Tx) (err error) {
		if applied, err = s.apply(tx, d.Version, items, now); err != nil {
			return err
		}
		return raiseU64(tx.Bucket(bucketDownlinkVersions), []byte(d.Stream), d.Version)
	})
	if err != nil {
		return 0, err
	}
	return applied, nil
}

// apply dispatches the decoded items to their stream's writer.
func (s *DownlinkService) apply(tx *bbolt.Tx, version uint64, items any, now time.Time) (int, error) {
	switch items := items.(type) {
	case []pos.CatalogItem:
		return applyCatalog(tx, version, items, now)
	case []pos.PriceItem:
		return applyPrices(tx, version, items, now)
	case []pos.Customer:
		return applyCustomers(tx, s.db.StoreID, version, items)
	case []pos.LoyaltyRules:
		return applyLoyalty(tx, version, items)
	case []pos.RemoteStock:
		return applyRemoteStock(tx, version, items)
	case []pos.Pickup:
		return applyPickups(tx, version, items)
	}
	return 0, fmt.Errorf("apply downlink: unexpected items %T", items)
}

// checkForShop refuses catalog products priced in another currency than
// the shop's: they could never be sold here (pos.PriceSale refuses them),
// so storing them would only hide central's mistake.
func (s *DownlinkService) checkForShop(items any) error {
	cat, ok := items.([]pos.CatalogItem)
	if !ok {
		return nil
	}
	for i, it := range cat {
		if !it.Deleted && it.Currency != s.db.Currency {
			return pos.FieldErrorf("items["+itoa(i)+"].currency", "currency must be the shop's, %s", s.db.Currency)
		}
	}
	return nil
}

// itemKey is the key of an item's version: the stream, then the item's
// own key parts, joined by NUL (which no stream name contains).
func itemKey(stream string, parts ...string) []byte {
	return []byte(stream + "\x00" + strings.Join(parts, "\x00"))
}

// claimItem records that version now sets the item at key, if it is newer
// than the version that last set it, and reports whether it was.
func claimItem(tx *bbolt.Tx, key []byte, version uint64) (bool, error) {
	b := tx.Bucket(bucketItemVersions)
	if decodeU64(b.Get(key)) >= version {
		return false, nil
	}
	return true, b.Put(key, u64(version))
}

// itemVersion returns the version that last set the item at key (0: none).
func itemVersion(tx *bbolt.Tx, key []byte) uint64 {
	return decodeU64(tx.Bucket(bucketItemVersions).Get(key))
}

// raiseU64 stores v at key unless a value at least as high is there.
func raiseU64(b *bbolt.Bucket, key []byte, v uint64) error {
	if decodeU64(b.Get(key)) >= v {
		return nil
	}
	return b.Put(key, u64(v))
}

// lastIndexes returns, in order, the index of the last item of each key:
// when a message names an item twice, the later one wins, as it would had
// it come in a later message.
func lastIndexes(n int, key func(i int) string) []int {
	last := make(map[string]int, n)
	for i := range n {
		last[key(i)] = i
	}
	out := make([]int, 0, len(last))
	for i := range n {
		if last[key(i)] == i {
			out = append(out, i)
		}
	}
	return out
}

// DownlinkCursors returns, per stream, the version up to which the last
// pull from central brought this shop (streams never pulled are absent).
func (s *DownlinkService) DownlinkCursors(ctx context.Context) (map[string]uint64, error) {
	out := map[string]uint64{}
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDownlinkCursors)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			out[string(k)] = decodeU64(v)
			return nil
		})
	})
	return out, err
}

// SetDownlinkCursor records the head version a pull reached. A cursor never
// goes backwards: a lower version is ignored. Codes: validation_failed.
func (s *DownlinkService) SetDownlinkCursor(ctx context.Context, stream string, version uint64) error {
	if !pos.ValidStream(stream) {
		return pos.FieldErrorf("stream", "unknown stream %q", stream)
	}
	var noop bool
	_ = s.db.bolt.View(func(tx *bbolt.Tx) error {
		noop = decodeU64(tx.Bucket(bucketDownlinkCursors).Get([]byte(stream))) >= version
		return nil
	})
	if noop {
		return nil
	}
	return s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		return raiseU64(tx.Bucket(bucketDownlinkCursors), []byte(stream), version)
	})
}
