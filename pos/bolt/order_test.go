package bolt_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

func TestReservationService_CreateStaffOrder(t *testing.T) {
	db := MustOpenDB(t)
	newTestClock(db, t0)
	ctx := seed(t, db)
	mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamCustomers, 1,
		pos.Customer{ID: "cust-1", Phone: phoneB, Card: "777", Name: "Мария"}), 1)
	s := bolt.NewReservationService(db)
	t.Run("ByPhone", func(t *testing.T) {
		o, err := s.CreateStaffOrder(ctx, &pos.StaffOrderRequest{SKU: "TV", Qty: 2,
			Customer: &pos.CustomerRef{Phone: "8 916 111 11 11"}, Name: "Иван"})
		if err != nil {
			t.Fatal(err)
		}
		if o.Phone != phoneA || o.CustomerName != "Иван" || o.CustomerID != "" || o.Name != "Телевизор" ||
			o.Channel != "till" || o.TerminalID != "t1" || o.CashierID != "c1" || !o.CreatedAt.Equal(t0) {
			t.Fatalf("order=%+v", o)
		}
		evs := eventsOf(t, db, pos.EventOrderRequested)
		if len(evs) != 1 || evs[0].Source != "/stores/store-1/terminals/t1" {
			t.Fatalf("events=%+v", evs)
		}
		var data pos.StaffOrder
		if err := json.Unmarshal(evs[0].Data, &data); err != nil || data != *o {
			t.Fatalf("data=%+v err=%v, want %+v", data, err, o)
		}
	})
	t.Run("ByCard", func(t *testing.T) {
		o, err := s.CreateStaffOrder(ctx, &pos.StaffOrderRequest{SKU: "MILK", Qty: 1, Customer: &pos.CustomerRef{Card: "777"}})
		if err != nil {
			t.Fatal(err)
		}
		if o.Phone != phoneB || o.CustomerID != "cust-1" || o.CustomerName != "Мария" || o.Card != "777" {
			t.Fatalf("order=%+v", o)
		}
	})
	for _, tt := range []struct {
		name        string
		ctx         context.Context
		req         pos.StaffOrderRequest
		code, field string
	}{
		{"ErrUnknownCard", ctx, pos.StaffOrderRequest{SKU: "TV", Qty: 1, Customer: &pos.CustomerRef{Card: "000"}}, pos.CodeNotFound, "customer.card"},
		{"ErrUnknownSKU", ctx, pos.StaffOrderRequest{SKU: "NOPE", Qty: 1, Customer: &pos.CustomerRef{Phone: phoneA}}, pos.CodeUnknownSKU, "sku"},
		{"ErrNoCustomer", ctx, pos.StaffOrderRequest{SKU: "TV", Qty: 1}, pos.CodeValidationFailed, "customer"},
		{"ErrNoSession", context.Background(), pos.StaffOrderRequest{SKU: "TV", Qty: 1, Customer: &pos.CustomerRef{Phone: phoneA}}, pos.CodeUnauthorized, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateStaffOrder(tt.ctx, &tt.req)
			wantErr(t, err, tt.code, tt.field)
		})
	}
	if n := len(eventsOf(t, db, pos.EventOrderRequested)); n != 2 {
		t.Fatalf("events=%d, want 2: a refused order wrote one", n)
	}
	if st := stockOf(t, db, "TV"); st.Reserved != 0 {
		t.Fatalf("an order reserved stock: %+v", st)
	}
}
