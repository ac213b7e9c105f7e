package bolt

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// bucketPickupHolds records what stock each click & collect order holds:
// pickup id → JSON {sku: qty}. The hold itself is the stock's reserved
// count, as a reservation's is (holdStock), so available = on hand −
// reserved covers both; this bucket says how much of it is an order's, so
// a hold is changed by differences and never taken or released twice.
var bucketPickupHolds = []byte("pickup_holds")

// syncHold makes an order hold exactly what its status calls for: all its
// lines while it is open (received, picking, ready), nothing once it is
// final. It is called after every change of an order, from central or
// from staff, and is idempotent. p's status must be the merged one.
func syncHold(tx *bbolt.Tx, p *pos.Pickup) error {
	want := map[string]int64{}
	if pos.PickupOpen(p.Status) {
		for _, l := range p.Lines {
			want[l.SKU] += l.Qty
		}
	}
	b := tx.Bucket(bucketPickupHolds)
	have := map[string]int64{}
	if _, err := getJSON(b, []byte(p.ID), &have); err != nil {
		return err
	}
	for sku, q := range want {
		if d := q - have[sku]; d != 0 {
			if err := holdStock(tx, sku, d); err != nil {
				return err
			}
		}
	}
	for sku, q := range have {
		if _, ok := want[sku]; !ok {
			if err := holdStock(tx, sku, -q); err != nil {
				return err
			}
		}
	}
	if len(want) == 0 {
		return b.Delete([]byte(p.ID))
	}
	return putJSON(b, []byte(p.ID), want)
}

// migrateV8 brings click & collect to issue 10's states: central's stored
// copies that say pending now say received, and every open order holds
// its stock, as one arriving from now on does. The shop's own statuses
// (pickup_local: ready, collected) keep their meaning and stay as they are.
func migrateV8(tx *bbolt.Tx, now time.Time) error {
	if _, err := tx.CreateBucketIfNotExists(bucketPickupHolds); err != nil {
		return err
	}
	if _, err := tx.CreateBucketIfNotExists(bucketPickupLocal); err != nil {
		return err
	}
	var orders []pos.Pickup
	err := tx.Bucket(bucketPickups).ForEach(func(k, v []byte) error {
		var p pos.Pickup
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		orders = append(orders, p)
		return nil
	})
	if err != nil {
		return err
	}
	for i := range orders {
		p := &orders[i]
		if p.Status == pos.PickupPending {
			p.Status = pos.PickupReceived
			if err := putJSON(tx.Bucket(bucketPickups), []byte(p.ID), p); err != nil {
				return err
			}
		}
		if err := mergeLocal(tx, p); err != nil {
			return err
		}
		if err := syncHold(tx, p); err != nil {
			return err
		}
	}
	return nil
}

// PickupHolds returns what each order holds, for tests and inspection.
func (db *DB) PickupHolds() (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPickupHolds).ForEach(func(k, v []byte) error {
			m := map[string]int64{}
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			out[string(bytes.Clone(k))] = m
			return nil
		})
	})
	return out, err
}
