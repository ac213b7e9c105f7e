package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/storeedge/storeedge/pos"
)

// barcodes hands out unique EAN-13 codes in the Russian GS1 range: a
// 7-digit company prefix per brand and department (460-469 plus four
// digits), a 5-digit item reference and the check digit.
type barcodes struct {
	companies map[string]string // key → prefix
	prefixes  map[string]bool
	used      map[string]bool // codes handed out
}

func newBarcodes() *barcodes {
	return &barcodes{companies: make(map[string]string), prefixes: make(map[string]bool), used: make(map[string]bool)}
}

// company returns the company prefix of key, drawing one the first time.
// Two brands never share a prefix.
func (c *barcodes) company(r *rand.Rand, key string) string {
	if p, ok := c.companies[key]; ok {
		return p
	}
	for {
		p := fmt.Sprintf("46%d%04d", r.IntN(10), r.IntN(10000))
		if !c.prefixes[p] {
			c.prefixes[p] = true
			c.companies[key] = p
			return p
		}
	}
}

// next returns a new code under company, never one handed out before.
func (c *barcodes) next(r *rand.Rand, company string) string {
	for {
		body := fmt.Sprintf("%s%05d", company, r.IntN(100000))
		code := body + string(pos.CheckDigit(body))
		if !c.used[code] {
			c.used[code] = true
			return code
		}
	}
}
