package demo

import (
	"fmt"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// Pickups returns click & collect orders for the demo shop, as central
// would send them down: one paid online, one to be paid at the counter,
// each of two pieces-sold products of the catalog, priced as of now. They
// let the cashier screen's pickup walk-through be tried without a central.
func Pickups(products []pos.ProductImport, now time.Time, currency string) []pos.Pickup {
	var picked []pos.PickupLine
	for i := range products {
		p := &products[i].Product
		price, ok := p.PriceAt(now)
		if p.Unit != pos.UnitPiece || !ok || len(picked) == 4 {
			continue
		}
		qty := int64(len(picked)%2 + 1)
		picked = append(picked, pos.PickupLine{SKU: p.SKU, Name: p.Name, Qty: qty, Amount: pos.M(price*qty, currency)})
	}
	if len(picked) < 4 {
		return nil
	}
	order := func(n int, paid bool, phone, name string, lines []pos.PickupLine) pos.Pickup {
		var total int64
		for _, l := range lines {
			total += l.Amount.Amount
		}
		return pos.Pickup{ID: fmt.Sprintf("demo-%d", n), OrderNo: fmt.Sprintf("D-%04d", 1000+n), Phone: phone, Name: name,
			Lines: lines, Total: pos.M(total, currency), Paid: paid, Status: pos.PickupReceived,
			CreatedAt: now.Add(-time.Duration(n) * time.Hour).UTC()}
	}
	return []pos.Pickup{
		order(1, true, "+79161234567", "Иван Петров", picked[:2]),
		order(2, false, "+79167654321", "Мария Сидорова", picked[2:]),
	}
}
