package pos_test

import (
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestStaffOrderRequest_Validate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edit  func(r *pos.StaffOrderRequest)
		field string
	}{
		{"Phone", func(r *pos.StaffOrderRequest) {}, ""},
		{"Card", func(r *pos.StaffOrderRequest) { r.Customer = &pos.CustomerRef{Card: "123"} }, ""},
		{"Grams", func(r *pos.StaffOrderRequest) { r.Qty = 1_000_000 }, ""},
		{"NoSKU", func(r *pos.StaffOrderRequest) { r.SKU = "" }, "sku"},
		{"ZeroQty", func(r *pos.StaffOrderRequest) { r.Qty = 0 }, "qty"},
		{"HugeQty", func(r *pos.StaffOrderRequest) { r.Qty = 1_000_001 }, "qty"},
		{"NoCustomer", func(r *pos.StaffOrderRequest) { r.Customer = nil }, "customer"},
		{"EmptyCustomer", func(r *pos.StaffOrderRequest) { r.Customer = &pos.CustomerRef{} }, "customer"},
		{"Both", func(r *pos.StaffOrderRequest) { r.Customer.Card = "1" }, "customer"},
		{"BadPhone", func(r *pos.StaffOrderRequest) { r.Customer.Phone = "abc" }, "customer.phone"},
		{"LongCard", func(r *pos.StaffOrderRequest) { r.Customer = &pos.CustomerRef{Card: strings.Repeat("1", 33)} }, "customer.card"},
		{"LongName", func(r *pos.StaffOrderRequest) { r.Name = strings.Repeat("я", 101) }, "name"},
		{"ControlInName", func(r *pos.StaffOrderRequest) { r.Name = "a\x01" }, "name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &pos.StaffOrderRequest{SKU: "MILK", Qty: 2, Customer: &pos.CustomerRef{Phone: "8 912 345-67-89"}}
			tt.edit(r)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, pos.CodeValidationFailed, tt.field)
		})
	}
}
