package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"path/filepath"
	"slices"
	"strings"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"github.com/storeedge/storeedge/pos/demo"
)

// demoCredentials is written beside the database so that README's curl
// examples can read the demo tokens; it is 0600 like the database.
const demoCredentials = "demo-credentials.txt"

// seedDemo loads the demo shop when the catalog is empty: products, two
// tills and two cashiers with fresh random tokens and PINs, printed once.
func seedDemo(ctx context.Context, db *bolt.DB, cfg *Config, out io.Writer) error {
	catalog := bolt.NewCatalogService(db)
	if n, err := catalog.CountProducts(ctx); err != nil || n > 0 {
		return err
	}
	items := demo.Products(db.Now(), cfg.Currency)
	if _, err := importProducts(ctx, catalog, items); err != nil {
		return err
	}
	rules := demo.LoyaltyRules
	if err := bolt.SeedLoyalty(ctx, db, &rules, slices.Clone(demo.Customers)); err != nil {
		return err
	}
	if err := seedDemoPickups(ctx, db, items, cfg.Currency); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# StoreEdge demo shop %s: %d products. Shell syntax: . %s\n", cfg.Store, len(items), demoCredentials)
	auth := bolt.NewAuthService(db)
	for _, name := range demo.Terminals {
		t, token, err := auth.CreateTerminal(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s_TOKEN=%s # terminal %s\n", shellName(t.Name), token, t.ID)
	}
	for _, c := range demo.Cashiers {
		pin := randomPIN()
		if _, err := auth.CreateCashier(ctx, c.Name, pin, c.Role); pos.ErrorCode(err) == pos.CodeConflict {
			fmt.Fprintf(&b, "# cashier %s exists already: PIN unchanged\n", c.Name)
			continue
		} else if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s_PIN=%s # %s %s\n", shellName(c.Name), pin, c.Role, c.Name)
	}
	path := filepath.Join(cfg.Data, demoCredentials)
	if _, err := bolt.WriteFileAtomic(path, strings.NewReader(b.String())); err != nil {
		return err // durable: a power cut must not keep the demo staff and lose their PINs
	}
	fmt.Fprintf(out, "%s# saved to %s\n", b.String(), path)
	return nil
}

// shellName turns "till-1" into "TILL_1", a shell variable name.
func shellName(s string) string {
	return strings.ToUpper(strings.ReplaceAll(s, "-", "_"))
}

func randomPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(10000))
	return fmt.Sprintf("%04d", n.Int64())
}
