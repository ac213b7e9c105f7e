package bolt_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// BenchmarkCreateSale records sales from 8 tills at once through the group
// commit, without HTTP: the storage layer's own cost.
func BenchmarkCreateSale(b *testing.B) {
	db := MustOpenDB(b)
	seed(b, db)
	s := bolt.NewSaleService(db)
	var n atomic.Int64
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		till := n.Add(1)
		ctx := ctxAs(fmt.Sprint("bench", till), "c", pos.RoleCashier)
		if _, err := bolt.NewShiftService(db).OpenShift(ctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "RUB")}); err != nil {
			b.Fatal(err)
		}
		req := cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}, pos.SaleLineRequest{SKU: "APPLE", Qty: 350}, pos.SaleLineRequest{SKU: "TV", Qty: 1})
		for i := 0; pb.Next(); i++ {
			if _, _, err := s.CreateSale(ctx, fmt.Sprint(till, "-", i), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	st := db.Bolt().Stats().TxStats
	b.Logf("spill %v (%d) write %v (%d pages) rebalance %v", st.GetSpillTime(), st.GetSpill(), st.GetWriteTime(), st.GetWrite(), st.GetRebalanceTime())
}
