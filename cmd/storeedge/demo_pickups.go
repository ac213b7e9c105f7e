package main

import (
	"context"
	"encoding/json"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"github.com/storeedge/storeedge/pos/demo"
)

// seedDemoPickups puts the demo's click & collect orders in the shop as a
// pickups message of version 1 would: they hold their stock, and a real
// central's orders (other ids, later versions) live beside them.
func seedDemoPickups(ctx context.Context, db *bolt.DB, items []pos.ProductImport, currency string) error {
	orders := demo.Pickups(items, db.Now(), currency)
	if len(orders) == 0 {
		return nil
	}
	d := &pos.Downlink{Stream: pos.StreamPickups, Version: 1}
	for _, o := range orders {
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		d.Items = append(d.Items, b)
	}
	_, err := bolt.NewDownlinkService(db).ApplyDownlink(ctx, d)
	return err
}
