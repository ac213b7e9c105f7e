package demo_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/demo"
)

var now = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

func TestProducts(t *testing.T) {
	items := demo.Products(now, "RUB")

	t.Run("Count", func(t *testing.T) {
		if got, min := len(items), 320; got < min {
			t.Fatalf("len = %d, want at least %d", got, min)
		}
		cats := make(map[string]int)
		for _, p := range items {
			cats[p.Category]++
		}
		if got, min := len(cats), 8; got < min {
			t.Fatalf("%d categories, want at least %d", got, min)
		}
		if got, want := len(cats), len(demo.Categories()); got != want {
			t.Fatalf("%d categories used, %d declared", got, want)
		}
	})

	t.Run("Valid", func(t *testing.T) {
		for i := range items {
			p := items[i] // a copy: Normalize must not change a product it already normalized
			p.Normalize()
			if !reflect.DeepEqual(p, items[i]) {
				t.Fatalf("%s is not normalized", p.SKU)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("%s: %v", p.SKU, err)
			}
		}
	})

	t.Run("Unique", func(t *testing.T) {
		skus, codes, names := map[string]bool{}, map[string]string{}, map[string]bool{}
		for i, p := range items {
			if want := fmt.Sprintf("DEMO-%04d", i+1); p.SKU != want {
				t.Fatalf("SKU = %q, want %q", p.SKU, want)
			}
			if skus[p.SKU] || names[p.Name] {
				t.Fatalf("duplicate SKU or name: %s %q", p.SKU, p.Name)
			}
			skus[p.SKU], names[p.Name] = true, true
			if n := len(p.Barcodes); n < 1 || n > 2 {
				t.Fatalf("%s has %d barcodes, want 1 or 2", p.SKU, n)
			}
			for _, b := range p.Barcodes {
				if other, dup := codes[b]; dup {
					t.Fatalf("barcode %s of %s also on %s", b, p.SKU, other)
				}
				codes[b] = p.SKU
				if len(b) != 13 || !strings.HasPrefix(b, "46") {
					t.Fatalf("%s: barcode %s is not a Russian EAN-13", p.SKU, b)
				}
			}
		}
	})

	t.Run("Deterministic", func(t *testing.T) {
		if !reflect.DeepEqual(items, demo.Products(now, "RUB")) {
			t.Fatal("two calls returned different catalogs")
		}
	})

	t.Run("Contents", func(t *testing.T) {
		checkContents(t, items)
	})

	t.Run("Reviews", func(t *testing.T) {
		checkReviews(t, items)
	})
}

// checkReviews wants most products rated, at least 100 with sample
// reviews, and every review believable: stars next to the average, a date
// in the half year before now, newest first, no text said twice.
func checkReviews(t *testing.T, items []pos.ProductImport) {
	var rated, reviewed int
	for _, p := range items {
		if (p.Rating == 0) != (p.ReviewCount == 0) || (p.Rating == 0 && len(p.Reviews) > 0) {
			t.Fatalf("%s: rating %d, %d reviews counted, %d shown", p.SKU, p.Rating, p.ReviewCount, len(p.Reviews))
		}
		if p.Rating == 0 {
			continue
		}
		rated++
		if p.Rating < 20 || p.ReviewCount < 10 || p.ReviewCount > 1000 || len(p.Reviews) > 3 {
			t.Fatalf("%s: rating %d, %d reviews counted, %d shown", p.SKU, p.Rating, p.ReviewCount, len(p.Reviews))
		}
		if len(p.Reviews) > 0 {
			reviewed++
		}
		texts := make(map[string]bool)
		for i, r := range p.Reviews {
			if d := r.Rating*10 - p.Rating; d <= -10 || d >= 10 {
				t.Fatalf("%s: a %d-star review under an average of %d tenths", p.SKU, r.Rating, p.Rating)
			}
			if !r.Date.Before(now) || r.Date.Before(now.AddDate(0, 0, -190)) || (i > 0 && r.Date.After(p.Reviews[i-1].Date)) {
				t.Fatalf("%s: review %d dated %v", p.SKU, i, r.Date)
			}
			if r.Author == "" || len(r.Text) < 10 || texts[r.Text] {
				t.Fatalf("%s: review %d by %q: %q", p.SKU, i, r.Author, r.Text)
			}
			texts[r.Text] = true
		}
	}
	if share := rated * 100 / len(items); share < 55 || share > 80 {
		t.Fatalf("%d%% of products rated, want about two in three", share)
	}
	if got, min := reviewed, 100; got < min {
		t.Fatalf("%d products with reviews, want at least %d", got, min)
	}
}

// checkContents looks for each kind of product the demo has to show.
func checkContents(t *testing.T, items []pos.ProductImport) {
	var weighed, promos, future int
	for _, p := range items {
		if p.Name == "" || p.NameEn == "" || p.Description == "" || len(p.Specs) < 2 || p.Images[0] != "/img/"+p.SKU+".jpg" {
			t.Fatalf("%s lacks a name, description, specs or image: %+v", p.SKU, p.Product)
		}
		if p.VATRate != 10 && p.VATRate != 22 {
			t.Fatalf("%s: VAT %d%%, want 10 or 22", p.SKU, p.VATRate)
		}
		if !p.StockSet || p.Currency != "RUB" {
			t.Fatalf("%s: StockSet %v, currency %q", p.SKU, p.StockSet, p.Currency)
		}
		if p.Unit == pos.UnitGram {
			weighed++
			if !pos.ValidScaleCode(p.ScaleCode) { // so `make run` can show a scale label
				t.Fatalf("%s is weighed without a scale code", p.SKU)
			}
		}
		if len(p.Promotions) > 0 {
			promos++
			if pr, price := p.PromoAt(now, p.Prices[0].Amount); pr == nil || price >= p.Prices[0].Amount {
				t.Fatalf("%s: promotion is not active now", p.SKU)
			}
		}
		if len(p.Prices) > 1 {
			future++
			if got, want := p.Prices[1].EffectiveFrom, now.Add(48*time.Hour); !got.Equal(want) {
				t.Fatalf("%s: future price from %v, want %v", p.SKU, got, want)
			}
		}
	}
	if weighed == 0 || future == 0 {
		t.Fatalf("%d weighed products, %d future prices, want some of each", weighed, future)
	}
	if share := promos * 100 / len(items); share < 5 || share > 20 {
		t.Fatalf("%d%% of products on promotion, want about 10%%", share)
	}
}

// TestProducts_Clock checks that the clock moves the review dates and
// nothing else of them.
func TestProducts_Clock(t *testing.T) {
	items, later := demo.Products(now, "RUB"), demo.Products(now.AddDate(0, 0, 3), "RUB")
	for i := range items {
		a, b := items[i].Product, later[i].Product
		if a.Rating != b.Rating || a.ReviewCount != b.ReviewCount || len(a.Reviews) != len(b.Reviews) {
			t.Fatalf("%s: ratings differ: %d/%d and %d/%d", a.SKU, a.Rating, a.ReviewCount, b.Rating, b.ReviewCount)
		}
		for j := range a.Reviews {
			moved := a.Reviews[j]
			moved.Date = moved.Date.AddDate(0, 0, 3)
			if got, want := b.Reviews[j], moved; got != want {
				t.Fatalf("%s: review %d = %+v, want %+v", a.SKU, j, got, want)
			}
		}
	}
}

func TestProducts_Currency(t *testing.T) {
	if got, want := demo.Products(now, "")[0].Currency, "RUB"; got != want {
		t.Fatalf("Currency = %q, want %q", got, want)
	}
	if got, want := demo.Products(now, "BYN")[0].Currency, "BYN"; got != want {
		t.Fatalf("Currency = %q, want %q", got, want)
	}
}

func TestStaff(t *testing.T) {
	if got, want := demo.Terminals, []string{"till-1", "till-2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Terminals = %v, want %v", got, want)
	}
	for _, c := range demo.Cashiers {
		if err := pos.ValidateStaffName("cashier", c.Name); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := demo.Cashiers[1], (demo.Cashier{Name: "boris", Role: pos.RoleManager}); got != want {
		t.Fatalf("Cashiers[1] = %v, want %v", got, want)
	}
}

func TestLoyalty_Valid(t *testing.T) {
	rules := demo.LoyaltyRules
	if err := rules.Validate(); err != nil {
		t.Fatal(err)
	}
	cats := map[string]bool{}
	for _, c := range demo.Categories() {
		cats[c.Slug] = true
	}
	for cat := range rules.CategoryEarnBP {
		if !cats[cat] {
			t.Errorf("earn rate for %q, which is no demo category", cat)
		}
	}
	for i := range demo.Customers {
		if err := demo.Customers[i].Validate(); err != nil {
			t.Errorf("%s: %v", demo.Customers[i].ID, err)
		}
	}
}
