package bolt

import (
	"context"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// applyCustomers stores or deletes the customer profiles of a message,
// keeps the phone and card indexes in step, and drops this shop's points
// changes that central's balance now counts.
func applyCustomers(tx *bbolt.Tx, store string, version uint64, items []pos.Customer) (int, error) {
	applied := 0
	for _, i := range lastIndexes(len(items), func(i int) string { return items[i].ID }) {
		c := &items[i]
		if ok, err := claimItem(tx, itemKey(pos.StreamCustomers, c.ID), version); err != nil {
			return 0, err
		} else if !ok {
			continue
		}
		applied++
		if err := putCustomer(tx, c); err != nil {
			return 0, err
		}
		if err := dropCounted(tx, store, c); err != nil {
			return 0, err
		}
	}
	return applied, nil
}

// putCustomer replaces (or, when c.Deleted, removes) a profile. A phone or
// card that moved to another customer keeps pointing there: an index entry
// is removed only while it still points to this customer.
func putCustomer(tx *bbolt.Tx, c *pos.Customer) error {
	customers := tx.Bucket(bucketCustomers)
	byPhone, byCard := tx.Bucket(bucketCustomersByPhone), tx.Bucket(bucketCustomersByCard)
	id := []byte(c.ID)
	var old pos.Customer
	if found, err := getJSON(customers, id, &old); err != nil {
		return err
	} else if found {
		if err := unindex(byPhone, old.Phone, c.ID); err != nil {
			return err
		}
		if err := unindex(byCard, old.Card, c.ID); err != nil {
			return err
		}
	}
	if c.Deleted {
		return customers.Delete(id)
	}
	if c.Phone != "" {
		if err := byPhone.Put([]byte(c.Phone), id); err != nil {
			return err
		}
	}
	if c.Card != "" {
		if err := byCard.Put([]byte(c.Card), id); err != nil {
			return err
		}
	}
	return putJSON(customers, id, c)
}

// unindex deletes key from an index if it points to id.
func unindex(b *bbolt.Bucket, key, id string) error {
	if key == "" || string(b.Get([]byte(key))) != id {
		return nil
	}
	return b.Delete([]byte(key))
}

// FindCustomer returns the customer with a phone (any usual notation) or,
// failing that, a loyalty card. Codes: validation_failed, not_found.
func (s *DownlinkService) FindCustomer(ctx context.Context, phone, card string) (*pos.Customer, error) {
	if phone == "" && card == "" {
		return nil, pos.FieldErrorf("phone", "a phone or a card is required")
	}
	if phone != "" {
		p, err := pos.NormalizePhone(phone)
		if err != nil {
			return nil, pos.FieldErrorf("phone", "%s", pos.ErrorMessage(err))
		}
		phone = p
	}
	var c *pos.Customer
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		if phone != "" {
			c, err = customerByIndex(tx, bucketCustomersByPhone, phone)
		}
		if c == nil && err == nil && card != "" {
			c, err = customerByIndex(tx, bucketCustomersByCard, card)
		}
		return err
	})
	if err == nil && c == nil {
		return nil, pos.Errorf(pos.CodeNotFound, "No customer with that phone or card.")
	}
	return c, err
}

// customerByIndex follows an index to a profile; nil when there is none.
func customerByIndex(tx *bbolt.Tx, index []byte, key string) (*pos.Customer, error) {
	idx := tx.Bucket(index)
	if idx == nil {
		return nil, nil
	}
	id := idx.Get([]byte(key))
	if id == nil {
		return nil, nil
	}
	var c pos.Customer
	found, err := getJSON(tx.Bucket(bucketCustomers), id, &c)
	if err != nil || !found {
		return nil, err
	}
	return &c, nil
}
