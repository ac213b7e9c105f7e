package main_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// Scenario 4 of `make bench`: a 50,000-product catalog imported by the
// real binary, its bbolt file, and search over HTTP as the cashier screen
// does it (/api/v1/products?limit=20&q=, /api/v1/barcodes/{ean}).
const (
	scaleProducts = 50_000
	scaleQueries  = 300 // per kind of query, sent one after another
	scaleLimit    = 20  // the cashier screen's page size (edge/assets/pos/app.js)
	scaleScenario = "4 catalog at scale"
)

// scaleNoMatch are queries no product matches, so each reads the whole
// search bucket. All are Cyrillic: their first byte, 0xD0, is in every
// other byte of the names, the slow case of bytes.Contains.
var scaleNoMatch = []string{"ананас", "ананасовый сок", "манго"}

func init() { registerScenario(scaleScenario, runCatalogScale) }

// scaleWord is a Russian adjective in its masculine, feminine and neuter
// forms, with its English word.
type scaleWord struct {
	forms [3]string
	en    string
}

// scaleNoun is a product noun, its grammatical gender (an index into
// scaleWord.forms), its English word and its category.
type scaleNoun struct {
	ru       string
	gender   int
	en, catg string
}

// The vocabulary of the generated catalog. Names share words on purpose,
// as a real grocery's do: "Молок" or "ный сыр" match hundreds of products.
var (
	scaleNouns = []scaleNoun{
		{"сыр", 0, "cheese", "Сыры"}, {"кефир", 0, "kefir", "Молочные продукты"}, {"йогурт", 0, "yoghurt", "Молочные продукты"},
		{"творог", 0, "cottage cheese", "Молочные продукты"}, {"хлеб", 0, "bread", "Хлеб"}, {"батон", 0, "loaf", "Хлеб"},
		{"сок", 0, "juice", "Напитки"}, {"чай", 0, "tea", "Напитки"}, {"шоколад", 0, "chocolate", "Кондитерские изделия"},
		{"колбаса", 1, "sausage", "Колбасы"}, {"сметана", 1, "sour cream", "Молочные продукты"}, {"ветчина", 1, "ham", "Колбасы"},
		{"вода", 1, "water", "Напитки"}, {"паста", 1, "pasta", "Бакалея"}, {"молоко", 2, "milk", "Молочные продукты"},
		{"масло", 2, "butter", "Молочные продукты"}, {"печенье", 2, "biscuits", "Кондитерские изделия"}, {"мороженое", 2, "ice cream", "Заморозка"},
	}
	scaleAdjectives = []scaleWord{
		{[3]string{"сливочный", "сливочная", "сливочное"}, "creamy"}, {[3]string{"домашний", "домашняя", "домашнее"}, "home-made"},
		{[3]string{"молочный", "молочная", "молочное"}, "dairy"}, {[3]string{"свежий", "свежая", "свежее"}, "fresh"},
		{[3]string{"отборный", "отборная", "отборное"}, "select"}, {[3]string{"нежный", "нежная", "нежное"}, "tender"},
		{[3]string{"классический", "классическая", "классическое"}, "classic"}, {[3]string{"фермерский", "фермерская", "фермерское"}, "farm"},
		{[3]string{"натуральный", "натуральная", "натуральное"}, "natural"}, {[3]string{"деревенский", "деревенская", "деревенское"}, "village"},
		{[3]string{"твёрдый", "твёрдая", "твёрдое"}, "hard"},
	}
	scaleBrands = []string{"Простоквашино", "Вкуснотеево", "Агуша", "Село Зелёное", "Брест-Литовск", "Савушкин", "Данон",
		"Экомилк", "Коровка", "Первым делом", "Хлебный дом", "Черкизово", "Бабушкино", "Северное сияние"}
	scaleSizes   = []string{"200 г", "500 г", "1 кг", "930 мл", "1 л", "0,5 л", "350 г", "2 л"}
	scaleSizesEn = []string{"200 g", "500 g", "1 kg", "930 ml", "1 l", "0.5 l", "350 g", "2 l"}
)

// scaleProduct returns the i-th generated product, named adjective first
// ("Сливочный сыр «Агуша» 200 г") or noun first ("Молоко домашнее
// «Савушкин» 1 л") in turns. Every product has a unique
// EAN-13 and a stock that no benchmark sells out.
func scaleProduct(i int) pos.ProductImport {
	n := scaleNouns[i%len(scaleNouns)]
	a := scaleAdjectives[(i/len(scaleNouns))%len(scaleAdjectives)]
	brand := scaleBrands[(i/7)%len(scaleBrands)]
	size, sizeEn := scaleSizes[(i/3)%len(scaleSizes)], scaleSizesEn[(i/3)%len(scaleSizes)]
	adj := a.forms[n.gender]
	name := fmt.Sprintf("%s %s «%s» %s", scaleUpperFirst(n.ru), adj, brand, size)
	if (i/len(scaleNouns))%2 == 0 {
		name = fmt.Sprintf("%s %s «%s» %s", scaleUpperFirst(adj), n.ru, brand, size)
	}
	return pos.ProductImport{
		Product: pos.Product{
			SKU: fmt.Sprintf("P%06d", i), Name: name, NameEn: fmt.Sprintf("%s %s %d %s", a.en, n.en, i, sizeEn),
			Barcodes: []string{scaleEAN(i)}, Category: n.catg, Unit: pos.UnitPiece, VATRate: int64(10 + 12*(i%2)),
			Currency: "RUB", Prices: []pos.PricePoint{{Amount: int64(4990 + (i*3733)%250_000)}},
		},
		StockSet: true, OnHand: 1_000_000,
	}
}

// scaleEAN is the i-th product's EAN-13 (prefix 46, Russia).
func scaleEAN(i int) string {
	body := fmt.Sprintf("46%010d", 2_000_000+i)
	return body + string(pos.CheckDigit(body))
}

func scaleUpperFirst(s string) string {
	r := []rune(s)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// writeScaleCSV writes products 0..n-1 as a catalog CSV file.
func writeScaleCSV(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"sku", "name", "name_en", "barcodes", "category", "unit", "vat_rate", "price", "stock"})
	for i := range n {
		p := scaleProduct(i)
		_ = w.Write([]string{p.SKU, p.Name, p.NameEn, strings.Join(p.Barcodes, "|"), p.Category, string(p.Unit),
			strconv.FormatInt(p.VATRate, 10), strconv.FormatInt(p.Prices[0].Amount, 10), strconv.FormatInt(p.OnHand, 10)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// runCatalogScale is scenario 4.
func runCatalogScale(b *testing.B) []benchFigure {
	dir := b.TempDir()
	csvPath := filepath.Join(b.TempDir(), "catalog.csv")
	writeScaleCSV(b, csvPath, scaleProducts)
	token := strings.TrimSpace(mustRun(b, "terminal", "add", "--data", dir, "--name", "bench-till"))
	mustRun(b, "cashier", "add", "--data", dir, "--name", "bench", "--pin", "2468")

	start := time.Now()
	out := mustRun(b, "catalog", "import", "--data", dir, csvPath)
	took := time.Since(start)
	if !strings.Contains(out, fmt.Sprintf("imported %d products", scaleProducts)) {
		b.Fatalf("catalog import said %q", out)
	}
	file, used := scaleFileSize(b, dir)
	figs := importFigures(took, file, used)

	p := startServe(b, dir)
	c := newClient(p.URL)
	c.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	c.login(b, token, "bench", "2468")
	for _, k := range scaleSearchKinds() {
		lat := measureSearch(b, c, p.cmd.Process.Pid, k)
		figs = append(figs, searchFigures(k, lat)...)
	}
	p.stop(b)
	inproc := inProcessSearch(b, dir)
	for i := range figs {
		if strings.Contains(figs[i].Name, "no match") || strings.Contains(figs[i].Name, "?q=") {
			figs[i].Note = strings.TrimSpace(figs[i].Note + " " + inproc)
		}
	}
	benchNotef("search reads the search bucket with bytes.Contains, without an index, and stops at limit=%d matches: "+
		"a name prefix is a substring query, and a query matching few products (an EAN typed into the search box, a typo) reads all %d",
		scaleLimit, scaleProducts)
	return figs
}

// scaleFileSize returns the size of the database file and the part of it
// bbolt has allocated pages in (the rest is room the file grew by ahead).
func scaleFileSize(tb testing.TB, dir string) (file, used int64) {
	fi, err := os.Stat(filepath.Join(dir, bolt.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	db := bolt.NewDB(dir)
	db.ReadOnly = true
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Bolt().Begin(false)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	return fi.Size(), tx.Size()
}

func importFigures(took time.Duration, file, used int64) []benchFigure {
	const mib = 1 << 20
	return []benchFigure{
		{Scenario: scaleScenario, Name: "import 50,000 products (CSV, `catalog import`)", Unit: "s", Value: took.Seconds(),
			Note: "whole process: start, parse, 10 transactions of 5,000"},
		{Scenario: scaleScenario, Name: "import rate", Unit: "products/s", Value: scaleProducts / took.Seconds()},
		{Scenario: scaleScenario, Name: "bbolt file size after import", Unit: "MiB", Value: float64(file) / mib,
			Note: fmt.Sprintf("pages up to the high-water mark %.1f MiB; the rest is bbolt's growth ahead", float64(used)/mib)},
		{Scenario: scaleScenario, Name: "bbolt file per product", Unit: "B/product", Value: float64(file) / scaleProducts,
			Note: fmt.Sprintf("%.0f B/product up to the high-water mark", float64(used)/scaleProducts)},
	}
}

// scaleKind is one kind of search with the request paths it rotates through.
type scaleKind struct {
	name  string
	paths []string
	want  func(body string) bool // checks the first answer
}

// scaleSearchKinds returns the kinds of query scenario 4 measures.
func scaleSearchKinds() []scaleKind {
	list := func(qs ...string) []string {
		var out []string
		for _, q := range qs {
			out = append(out, fmt.Sprintf("/api/v1/products?limit=%d&q=%s", scaleLimit, url.QueryEscape(q)))
		}
		return out
	}
	rng := rand.New(rand.NewPCG(4, 4))
	var eans []string
	for range scaleQueries {
		eans = append(eans, scaleEAN(rng.IntN(scaleProducts)))
	}
	byPath := func(prefix string) []string {
		var out []string
		for _, e := range eans {
			out = append(out, prefix+e)
		}
		return out
	}
	hasItems := func(body string) bool { return strings.Contains(body, `"sku":"P`) }
	return []scaleKind{
		{`name prefix ("Молок", "Сыр", "Хлеб", ...)`, list("Молок", "Сыр", "Хлеб", "Кефи", "Колба", "Смета", "Шокол", "Масл"), hasItems},
		{`substring ("ный сыр", "ная колбаса", "cheese", ...)`, list("ный сыр", "ная колбаса", "ное молоко", "cheese", "ский хлеб", "ое масло"), hasItems},
		{"barcode, /api/v1/barcodes/{ean}", byPath("/api/v1/barcodes/"), hasItems},
		{"barcode, /api/v1/products?q={ean}", list(eans...), hasItems},
		{`no match ("ананас", ...): a full scan`, list(scaleNoMatch...), func(body string) bool { return strings.Contains(body, `"items":[]`) }},
	}
}

// measureSearch sends scaleQueries requests of one kind, one at a time,
// to the server pid, and returns their latencies. The first answer is
// checked for content.
func measureSearch(tb testing.TB, c *client, pid int, k scaleKind) []time.Duration {
	var first json.RawMessage
	c.must(tb, 200, "GET", k.paths[0], nil, nil, &first)
	if !k.want(string(first)) {
		tb.Fatalf("%s: %s answered %.300s", k.name, k.paths[0], first)
	}
	lat := make([]time.Duration, 0, scaleQueries)
	w := startCPUWindow(pid)
	defer w.stop()
	for i := range scaleQueries {
		path := k.paths[i%len(k.paths)]
		t := time.Now()
		code, err := c.do("GET", path, nil, nil, nil)
		if err != nil || code != 200 {
			tb.Fatalf("GET %s: %d %v", path, code, err)
		}
		lat = append(lat, time.Since(t))
	}
	return lat
}

func searchFigures(k scaleKind, lat []time.Duration) []benchFigure {
	slices.Sort(lat)
	note := fmt.Sprintf("%d queries over HTTP, one at a time, limit=%d; min %.2f ms, max %.1f ms",
		len(lat), scaleLimit, scaleMs(lat[0]), scaleMs(lat[len(lat)-1]))
	return []benchFigure{
		{Scenario: scaleScenario, Name: "search p50, " + k.name, Unit: "ms", Value: scaleMs(scalePercentile(lat, 50))},
		{Scenario: scaleScenario, Name: "search p99, " + k.name, Unit: "ms", Value: scaleMs(scalePercentile(lat, 99)), Note: note},
	}
}

// scalePercentile returns the p-th percentile of sorted durations.
func scalePercentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func scaleMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// inProcessSearch times the full-scan queries in-process on the same file
// (as pos/bolt BenchmarkFindProducts does), to tell the scan's cost from
// HTTP's. The minimum is the figure least disturbed by other work on the
// machine.
func inProcessSearch(tb testing.TB, dir string) string {
	db := bolt.NewDB(dir)
	db.ReadOnly = true
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	c := bolt.NewCatalogService(db)
	var lat []time.Duration
	for i := range 100 {
		t := time.Now()
		f := pos.ProductFilter{Query: scaleNoMatch[i%len(scaleNoMatch)], Limit: scaleLimit}
		if _, _, err := c.FindProducts(context.Background(), f); err != nil {
			tb.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	return fmt.Sprintf("(in-process FindProducts full scan of this file, no HTTP: min %.1f ms, p50 %.1f ms)",
		scaleMs(lat[0]), scaleMs(scalePercentile(lat, 50)))
}
