package bolt

import (
	"context"
	"encoding/json"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// applyPickups stores click & collect orders as central sent them.
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
		p.CreatedAt = p.CreatedAt.UTC()
		if err := putJSON(b, []byte(p.ID), p); err != nil {
			return 0, err
		}
	}
	return applied, nil
}

// FindPickups returns the click & collect orders with a status ("" for
// all), by id. Codes: validation_failed.
func (s *DownlinkService) FindPickups(ctx context.Context, status string) ([]*pos.Pickup, error) {
	switch status {
	case "", pos.PickupPending, pos.PickupReady, pos.PickupCollected, pos.PickupCancelled:
	default:
		return nil, pos.FieldErrorf("status", "status must be pending, ready, collected or cancelled")
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
			if status == "" || p.Status == status {
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
	return &p, nil
}
