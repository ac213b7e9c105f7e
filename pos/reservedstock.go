package pos

// ReservedOverride is stock a sale took, with a manager's approval, out
// of what was held for shoppers (reservations and other holds).
type ReservedOverride struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// ReservedStockData is the data of a reserved_stock error: what the till
// asked for of a SKU and how much of it nobody holds.
type ReservedStockData struct {
	SKU       string `json:"sku"`
	Unit      Unit   `json:"unit"`
	Requested int64  `json:"requested"`
	Free      int64  `json:"free"`
}

// CheckReservedStock finds where the lines of a sale would take stock held
// for others. own is what the sale itself holds per SKU (a reservation it
// completes, a pickup it collects): that hold is the buyer's and does not
// count against them. stockOf returns a SKU's stock as stored.
//
// For each SKU, requested is its total over the lines, free what is on
// hand past the holds of others, and the override what requested takes
// of those holds. Stock short on the shelf itself is no override: selling
// below zero stays allowed (the goods are at the till; the count was
// wrong). It returns every override, in the order the SKUs first appear,
// and a reserved_stock error (field lines[i].qty of the SKU's first line,
// Data a ReservedStockData) for the first one; nil when none.
func CheckReservedStock(lines []SaleLine, stockOf func(sku string) Stock, own map[string]int64) ([]ReservedOverride, error) {
	requested, first := map[string]int64{}, map[string]int{}
	var order []string
	for i, l := range lines {
		if _, seen := first[l.SKU]; !seen {
			first[l.SKU] = i
			order = append(order, l.SKU)
		}
		requested[l.SKU] += l.Qty
	}
	var out []ReservedOverride
	var err error
	for _, sku := range order {
		st := stockOf(sku)
		held := max(st.Reserved-max(own[sku], 0), 0) // held for others
		free := max(st.OnHand-held, 0)
		over := min(max(requested[sku]-free, 0), held)
		if over == 0 {
			continue
		}
		out = append(out, ReservedOverride{SKU: sku, Qty: over})
		if err == nil {
			i := first[sku]
			err = &Error{Code: CodeReservedStock, Field: fieldIndex("lines", i) + ".qty",
				Message: "Part of this stock is reserved for shoppers; a manager may approve selling it.",
				Data:    ReservedStockData{SKU: sku, Unit: lines[i].Unit, Requested: requested[sku], Free: free}}
		}
	}
	return out, err
}
