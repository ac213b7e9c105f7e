package bolt

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.TagService = (*TagService)(nil)

// maxTagCodeLen bounds a tag code from outside before it is looked up.
const maxTagCodeLen = 64

// TagService implements pos.TagService: a product's tag code is made on
// first use and kept forever (tag_codes and tag_skus are never pruned), so
// a printed QR keeps working even when the product leaves the catalog and
// comes back.
type TagService struct{ db *DB }

// NewTagService returns a tag service on db.
func NewTagService(db *DB) *TagService { return &TagService{db: db} }

// newLocalTagCode is the default tag code generator, for tests and tools
// that do not wire in the qr package's: 10 random lowercase base32
// characters (50 bits), with no check character.
func newLocalTagCode() string {
	b := make([]byte, 7)
	_, _ = rand.Read(b)
	return codeEncoding.EncodeToString(b)[:10]
}

func (db *DB) newTagCode() string {
	if db.NewTagCode == nil {
		return newLocalTagCode()
	}
	return db.NewTagCode()
}

func (db *DB) validTagCode(code string) bool {
	if code == "" || len(code) > maxTagCodeLen {
		return false
	}
	return db.ValidTagCode == nil || db.ValidTagCode(code)
}

func errNoProduct(sku string) error {
	return pos.Errorf(pos.CodeNotFound, "No product %q in this shop.", sku)
}

// TagCode returns the product's tag code, making it on first use. Codes:
// not_found (no such product in the catalog now).
func (s *TagService) TagCode(ctx context.Context, sku string) (string, error) {
	if !pos.ValidSKU(sku) {
		return "", errNoProduct(sku)
	}
	var code string
	var exists bool
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		exists = tx.Bucket(bucketProducts).Get([]byte(sku)) != nil
		code = string(tx.Bucket(bucketTagCodes).Get([]byte(sku)))
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case !exists:
		return "", errNoProduct(sku)
	case code != "":
		return code, nil
	}
	err = s.db.update(ctx, false, func(tx *bbolt.Tx) (err error) {
		code, err = s.assignTagCode(tx, sku)
		return err
	})
	return code, err
}

// assignTagCode gives sku a code no other SKU has, unless it has one
// already (another request may have made it since we looked).
func (s *TagService) assignTagCode(tx *bbolt.Tx, sku string) (string, error) {
	codes, skus := tx.Bucket(bucketTagCodes), tx.Bucket(bucketTagSKUs)
	if c := codes.Get([]byte(sku)); c != nil {
		return string(c), nil
	}
	if tx.Bucket(bucketProducts).Get([]byte(sku)) == nil {
		return "", errNoProduct(sku)
	}
	for range 16 {
		code := s.db.newTagCode()
		if !s.db.validTagCode(code) {
			return "", fmt.Errorf("tag code generator made %q, which does not validate", code)
		}
		if skus.Get([]byte(code)) != nil {
			continue
		}
		if err := skus.Put([]byte(code), []byte(sku)); err != nil {
			return "", err
		}
		return code, codes.Put([]byte(sku), []byte(code))
	}
	return "", fmt.Errorf("tag code: no free code after 16 tries")
}

// FindSKUByTag resolves a tag code to the SKU of a product in the catalog.
// A code that fails ValidTagCode, that no product was given, or whose
// product left the catalog is not_found: never another product.
func (s *TagService) FindSKUByTag(ctx context.Context, code string) (string, error) {
	notFound := pos.Errorf(pos.CodeNotFound, "Unknown tag.")
	if s.db.NormalizeTagCode != nil {
		var ok bool
		if code, ok = s.db.NormalizeTagCode(code); !ok {
			return "", notFound
		}
	}
	if !s.db.validTagCode(code) {
		return "", notFound
	}
	var sku string
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketTagSKUs).Get([]byte(code))
		if v != nil && tx.Bucket(bucketProducts).Get(v) != nil {
			sku = string(v)
		}
		return nil
	})
	if err == nil && sku == "" {
		return "", notFound
	}
	return sku, err
}

// MarkPrinted records what each tag showed; a later tag of the same SKU
// replaces the earlier one. A zero PrintedAt means now, an empty Code the
// SKU's tag code. Codes: validation_failed (field tags[i].…), storage_full.
func (s *TagService) MarkPrinted(ctx context.Context, tags []pos.PrintedTag) error {
	if len(tags) == 0 {
		return nil
	}
	for i, t := range tags {
		f := "tags[" + itoa(i) + "]"
		switch {
		case !pos.ValidSKU(t.SKU):
			return pos.FieldErrorf(f+".sku", "sku is required")
		case t.Price < 0 || t.Price > pos.MaxAmount:
			return pos.FieldErrorf(f+".price", "price must be from 0 to %d minor units", int64(pos.MaxAmount))
		case t.PromoPrice < 0 || t.PromoPrice > pos.MaxAmount:
			return pos.FieldErrorf(f+".promo_price", "promo_price must be from 0 to %d minor units", int64(pos.MaxAmount))
		case len(t.Code) > maxTagCodeLen:
			return pos.FieldErrorf(f+".code", "code is at most %d characters", maxTagCodeLen)
		}
	}
	now := s.db.Now().UTC()
	return s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		for _, t := range tags {
			if t.PrintedAt.IsZero() {
				t.PrintedAt = now
			}
			if t.Code == "" {
				t.Code = string(tx.Bucket(bucketTagCodes).Get([]byte(t.SKU)))
			}
			t.PrintedAt = t.PrintedAt.UTC()
			if err := putJSON(tx.Bucket(bucketPrintedTags), []byte(t.SKU), &t); err != nil {
				return err
			}
		}
		return nil
	})
}

// StaleTags returns, in SKU order, the SKUs whose printed tag shows
// another regular or promotional price than the till charges at db.Now():
// a price change that took effect, a promotion that began or ended.
// Products the till cannot sell now (gone from the catalog, or with no
// price in force yet) are left out: there is no right price to print.
func (s *TagService) StaleTags(ctx context.Context) ([]string, error) {
	now := s.db.Now()
	out := []string{}
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPrintedTags).ForEach(func(k, v []byte) error {
			var t pos.PrintedTag
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			p, err := findProduct(tx, string(k))
			if err != nil || p == nil {
				return err
			}
			price, promo, ok := tagPrices(p, now)
			if ok && (t.Price != price || t.PromoPrice != promo) {
				out = append(out, string(k))
			}
			return nil
		})
	})
	return out, err
}

// tagPrices returns what a tag of p must show at t: the regular unit price
// in force and, during a promotion, the promotional one (else 0), exactly
// as pos.PriceSale charges them. ok is false when no price is in force.
func tagPrices(p *pos.Product, t time.Time) (price, promo int64, ok bool) {
	price, ok = p.PriceAt(t)
	if !ok {
		return 0, 0, false
	}
	if pr, v := p.PromoAt(t, price); pr != nil {
		promo = v
	}
	return price, promo, true
}
