package bolt_test

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// TestDB_MigrateV8 opens a file of schema 8, from before pickups held
// stock: central's copies say pending, staff marked one order ready, and
// nothing is reserved. After the migration the orders read as received
// and ready, and each open order holds its goods.
func TestDB_MigrateV8(t *testing.T) {
	db, _, _, _ := openPickups(t)
	MustCloseDB(t, db)
	downgrade(t, db.Path(), 8, "pickup_holds")
	b, err := bbolt.Open(db.Path(), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bbolt.Tx) error {
		for _, sku := range []string{"TV", "MILK"} { // reserved back to 0
			st := tx.Bucket([]byte("stock"))
			v := append([]byte(nil), st.Get([]byte(sku))...)
			binary.BigEndian.PutUint64(v[8:], 0)
			if err := st.Put([]byte(sku), v); err != nil {
				return err
			}
		}
		old := []byte(`{"id":"o1","order_no":"A-o1","phone":"+79123456789","lines":[{"sku":"TV","name":"TV","qty":1,` +
			`"amount":{"amount":2999000,"currency":"RUB"}}],"total":{"amount":2999000,"currency":"RUB"},"paid":true,` +
			`"status":"pending","created_at":"2026-11-23T10:00:00Z"}`)
		if err := tx.Bucket([]byte("pickups")).Put([]byte("o1"), old); err != nil {
			return err
		}
		local := []byte(`{"id":"o2","order_no":"A-o2","status":"ready","previous_status":"pending",` +
			`"at":"2026-11-23T11:00:00Z","terminal_id":"t1","cashier_id":"c1","storeseq":7}`)
		return tx.Bucket([]byte("pickup_local")).Put([]byte("o2"), local)
	})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	again := bolt.NewDB(db.Dir)
	again.Now = db.Now
	if err := again.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { MustCloseDB(t, again) })
	s := bolt.NewPickupService(again)
	wantStatus(t, s, "o1", pos.PickupReceived)
	wantStatus(t, s, "o2", pos.PickupReady)
	wantStatus(t, s, "o3", pos.PickupCancelled)
	wantStock(t, again, "TV", 1, 2)
	wantStock(t, again, "MILK", 100, 3)
	p, err := s.FindPickupByID(context.Background(), "o2")
	if err != nil || p.ReadyAt == nil || p.ReadyAt.Hour() != 11 {
		t.Fatalf("o2=%+v err=%v: an old ready record's time is its ready_at", p, err)
	}
	raw, err := bolt.NewDownlinkService(again).FindPickupByID(context.Background(), "o1")
	if err != nil || raw.Status != pos.PickupReceived {
		t.Fatalf("central's copy=%+v err=%v", raw, err)
	}
}
