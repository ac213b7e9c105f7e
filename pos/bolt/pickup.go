package bolt

import (
	"context"
	"encoding/json"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// applyPickups stores click & collect orders as central sent them, and
// makes each hold the stock its merged status calls for: an order holds
// its goods from the moment it arrives until it is collected, released
// (no-show) or cancelled, by central or here. Central's own moves send no
// event back: central made them. The shop's fields (times, sale) are never
// taken from a message.
func applyPickups(tx *bbolt.Tx, version uint64, items []pos.Pickup) (int, error) {
	applied := 0
	b := tx.Bucket(bucketPickups)
	for _, i := range lastIndexes(len(items), func(i int) string { return items[i].ID }) {
		p := &items[i]
		if ok, err := claimItem(tx, itemKey(pos.StreamPickups, p.ID), version); err != nil {
			return 0, err
		} else if !ok {
			continue
		}
		applied++
		p.CreatedAt, p.Status = p.CreatedAt.UTC(), pos.NormalizePickupStatus(p.Status)
		p.ReadyAt, p.NoShowAt, p.CollectedAt, p.CancelledAt, p.SaleID = nil, nil, nil, nil, ""
		if err := putJSON(b, []byte(p.ID), p); err != nil {
			return 0, err
		}
		merged := *p
		if err := mergeLocal(tx, &merged); err != nil {
			return 0, err
		}
		if err := syncHold(tx, &merged); err != nil {
			return 0, err
		}
	}
	return applied, nil
}

// FindPickups returns the click & collect orders with a status ("" for
// all) as central sent them, by id. Codes: validation_failed.
func (s *DownlinkService) FindPickups(ctx context.Context, status string) ([]*pos.Pickup, error) {
	status = pos.NormalizePickupStatus(status)
	if status != "" && !pos.ValidPickupStatus(status) {
		return nil, errPickupStatus()
	}
	out := []*pos.Pickup{}
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPickups)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var p pos.Pickup
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			if p.Status = pos.NormalizePickupStatus(p.Status); status == "" || p.Status == status {
				out = append(out, &p)
			}
			return nil
		})
	})
	return out, err
}

// FindPickupByID returns one click & collect order. Codes: not_found.
func (s *DownlinkService) FindPickupByID(ctx context.Context, id string) (*pos.Pickup, error) {
	var p pos.Pickup
	var found bool
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		if b := tx.Bucket(bucketPickups); b != nil {
			found, err = getJSON(b, []byte(id), &p)
		}
		return err
	})
	if err == nil && !found {
		return nil, pos.Errorf(pos.CodeNotFound, "No pickup order %q.", id)
	}
	if err != nil {
		return nil, err
	}
	p.Status = pos.NormalizePickupStatus(p.Status)
	return &p, nil
}
