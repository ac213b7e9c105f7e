package bolt_test

import (
	"context"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// scaleLabel builds a default-layout label: prefix 20, a 5-digit item
// code, grams.
func scaleLabel(code string, grams int) string {
	body := "20" + code + pad5(grams)
	return body + string(pos.CheckDigit(body))
}

func pad5(n int) string {
	s := "00000" + itoa(n)
	return s[len(s)-5:]
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// seedScale gives APPLE scale code 123 (seed's apples: 189.90 a kg).
func seedScale(tb testing.TB, db *bolt.DB) {
	tb.Helper()
	ctx := context.Background()
	cat := bolt.NewCatalogService(db)
	p, err := cat.FindProductBySKU(ctx, "APPLE")
	if err != nil {
		tb.Fatal(err)
	}
	p.ScaleCode = "00123"
	if _, err := cat.ImportProducts(ctx, []pos.ProductImport{{Product: *p}}); err != nil {
		tb.Fatal(err)
	}
}

func TestCatalogService_ScaleCode(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	seedScale(t, db)
	cat := bolt.NewCatalogService(db)
	ctx := context.Background()
	t.Run("Find", func(t *testing.T) {
		for _, code := range []string{"123", "00123", "0000000123"} {
			p, err := cat.FindProductByScaleCode(ctx, code)
			if err != nil || p.SKU != "APPLE" {
				t.Fatalf("%s: p=%+v err=%v", code, p, err)
			}
		}
		_, err := cat.FindProductByScaleCode(ctx, "124")
		wantErr(t, err, pos.CodeNotFound, "")
	})
	t.Run("NotABarcode", func(t *testing.T) {
		if _, err := cat.FindProductByBarcode(ctx, "123"); pos.ErrorCode(err) != pos.CodeNotFound {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		p, _ := cat.FindProductBySKU(ctx, "MILK")
		p.ScaleCode = "123"
		_, err := cat.ImportProducts(ctx, []pos.ProductImport{{Product: *p}})
		wantErr(t, err, pos.CodeConflict, "products[0].scale_code")
		_, err = cat.ImportCatalog(ctx, []pos.ProductImport{{Product: *p}}, 0)
		wantErr(t, err, pos.CodeConflict, "products[0].scale_code")
	})
	t.Run("Moved", func(t *testing.T) {
		apple, _ := cat.FindProductBySKU(ctx, "APPLE")
		milk, _ := cat.FindProductBySKU(ctx, "MILK")
		apple.ScaleCode, milk.ScaleCode = "", "123"
		if _, err := cat.ImportCatalog(ctx, []pos.ProductImport{{Product: *apple}, {Product: *milk}}, 0); err != nil {
			t.Fatal(err)
		}
		if p, err := cat.FindProductByScaleCode(ctx, "123"); err != nil || p.SKU != "MILK" {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		milk.ScaleCode = ""
		if _, err := cat.ImportProducts(ctx, []pos.ProductImport{{Product: *milk}}); err != nil {
			t.Fatal(err)
		}
		_, err := cat.FindProductByScaleCode(ctx, "123")
		wantErr(t, err, pos.CodeNotFound, "")
	})
}

func TestSaleService_CreateSale_ScaleLabel(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	seedScale(t, db)
	sales := bolt.NewSaleService(db)
	code := scaleLabel("00123", 1250)
	sale, _, err := sales.CreateSale(ctx, "k1", cashSale(pos.SaleLineRequest{Barcode: code}, pos.SaleLineRequest{Barcode: "4600000000008"}))
	if err != nil {
		t.Fatal(err)
	}
	l := sale.Lines[0]
	if l.SKU != "APPLE" || l.Qty != 1250 || l.Barcode != code || l.Total.Amount != 23738 {
		t.Fatalf("line=%+v", l)
	}
	if l := sale.Lines[1]; l.SKU != "MILK" || l.Qty != 1 {
		t.Fatalf("line=%+v", l)
	}
	if st := stockOf(t, db, "APPLE"); st.OnHand != 50000-1250 {
		t.Fatalf("stock=%+v", st)
	}
	t.Run("ErrUnknownScaleCode", func(t *testing.T) {
		_, _, err := sales.CreateSale(ctx, "k2", cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}, pos.SaleLineRequest{Barcode: scaleLabel("00999", 10)}))
		wantErr(t, err, pos.CodeUnknownScaleCode, "lines[1].barcode")
	})
	t.Run("OtherLayout", func(t *testing.T) {
		db.ScaleFormat = pos.ScaleFormat{Prefixes: []string{"2"}, Layout: "PCCCCCCVVVVVK"}
		defer func() { db.ScaleFormat = pos.ScaleFormat{} }()
		body := "2000123" + "09495" // 94.95 of apples: 500 g
		sale, _, err := sales.CreateSale(ctx, "k3", cashSale(pos.SaleLineRequest{Barcode: body + string(pos.CheckDigit(body))}))
		if err != nil || sale.Lines[0].Qty != 500 || sale.Lines[0].Total.Amount != 9495 {
			t.Fatalf("sale=%+v err=%v", sale, err)
		}
	})
}
