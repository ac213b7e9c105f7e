package central

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/sync/synctest"
)

// benchEvents makes n sale.completed events of store from storeseq first.
func benchEvents(tb testing.TB, store, epoch string, first uint64, n int) []pos.Event {
	out := make([]pos.Event, n)
	for i := range out {
		line := pos.SaleLine{No: 1, SKU: "A1", Name: "Milk", Unit: pos.UnitPiece, Qty: 2, UnitPrice: pos.M(8990, "RUB"),
			RegularPrice: pos.M(8990, "RUB"), Discount: pos.M(0, "RUB"), Total: pos.M(17980, "RUB"), VATRate: 10, VAT: pos.M(1635, "RUB")}
		sale := pos.Sale{ID: uuid.NewString(), ReceiptNo: int64(i), StoreID: store, TerminalID: "t1", CashierID: "c1",
			CashierName: "Anna", ShiftID: "sh1", Lines: []pos.SaleLine{line, line}, Total: pos.M(35960, "RUB"),
			Payments: []pos.Payment{{Method: "cash", Amount: pos.M(40000, "RUB")}}, Change: pos.M(4040, "RUB"), CreatedAt: time.Now()}
		data, err := json.Marshal(&sale)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = pos.Event{SpecVersion: "1.0", ID: uuid.Must(uuid.NewV7()).String(), Source: "/stores/" + store + "/terminals/t1",
			Type: pos.EventSaleCompleted, Time: time.Now().UTC(), StoreSeq: first + uint64(i), StoreEpoch: epoch, Data: data}
	}
	return out
}

// BenchmarkApply measures one 500-event batch's transaction, without MQTT.
func BenchmarkApply(b *testing.B) {
	if testing.Short() {
		b.Skip("needs PostgreSQL: not in -short")
	}
	s := &Server{DatabaseURL: synctest.DatabaseURL(b), Broker: "tcp://127.0.0.1:1", Insecure: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := s.setDefaults(); err != nil {
		b.Fatal(err)
	}
	if err := s.openDB(); err != nil {
		b.Fatal(err)
	}
	defer s.pool.Close()
	e := make([]byte, 16)
	_, _ = rand.Read(e)
	epoch := hex.EncodeToString(e)
	const size = 500
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		events := incomingOf(b, "bench", benchEvents(b, "bench", epoch, uint64(i*size+1), size))
		b.StartTimer()
		res, err := s.apply(context.Background(), "bench", events)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.inserted) != size || res.acks[0].UptoSeq != uint64((i+1)*size) {
			b.Fatal(fmt.Sprintf("inserted %d, ack %+v", len(res.inserted), res.acks))
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
}

// incomingOf sorts events out as a received batch would be.
func incomingOf(tb testing.TB, store string, events []pos.Event) []incoming {
	raws := make([]json.RawMessage, len(events))
	for i := range events {
		b, err := json.Marshal(&events[i])
		if err != nil {
			tb.Fatal(err)
		}
		raws[i] = b
	}
	b, _ := json.Marshal(raws)
	out, err := decodeBatch(store, b)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
