package sync_test

import (
	"encoding/json"
	"errors"
	"testing"

	storesync "github.com/storeedge/storeedge/sync"
)

const epoch = "0123456789abcdef0123456789abcdef"

func event(seq int) json.RawMessage {
	return json.RawMessage(`{"specversion":"1.0","id":"01932d0e-0000-7000-8000-00000000000` + string(rune('0'+seq)) +
		`","source":"/stores/s1/terminals/t1","type":"ru.storeedge.sale.completed","time":"2026-11-23T10:00:00Z",` +
		`"datacontenttype":"application/json","storeseq":` + string(rune('0'+seq)) + `,"storeepoch":"` + epoch + `","data":{"id":"x"}}`)
}

func TestBatch_RoundTrip(t *testing.T) {
	b := storesync.EncodeBatch([]json.RawMessage{event(1), event(2)})
	evs, err := storesync.DecodeBatch("s1", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].StoreSeq != 2 || evs[0].StoreEpoch != epoch {
		t.Fatalf("events=%+v", evs)
	}
	if _, err := storesync.DecodeBatch("s2", b); !errors.Is(err, storesync.ErrMalformed) {
		t.Fatalf("another store's events accepted: %v", err)
	}
}

func TestDecode_Malformed(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"empty", ``},
		{"not json", `{{`},
		{"empty batch", `[]`},
		{"bad spec", `[{"specversion":"0.3"}]`},
		{"no seq", `[{"specversion":"1.0","id":"01932d0e-0000-7000-8000-000000000001","type":"ru.storeedge.x","storeepoch":"` + epoch + `"}]`},
	} {
		t.Run("batch/"+tt.name, func(t *testing.T) {
			if _, err := storesync.DecodeBatch("s1", []byte(tt.in)); !errors.Is(err, storesync.ErrMalformed) {
				t.Fatalf("err=%v", err)
			}
		})
	}
	for _, tt := range []struct{ name, in string }{
		{"unknown stream", `{"stream":"nope","version":1,"items":[]}`},
		{"version 0", `{"stream":"prices","version":0,"items":[]}`},
		{"item not object", `{"stream":"prices","version":1,"items":[1]}`},
		{"unknown field", `{"stream":"prices","version":1,"items":[],"x":1}`},
		{"trailing", `{"stream":"prices","version":1,"items":[]} {}`},
	} {
		t.Run("downlink/"+tt.name, func(t *testing.T) {
			if _, err := storesync.DecodeDownlink([]byte(tt.in)); !errors.Is(err, storesync.ErrMalformed) {
				t.Fatalf("err=%v", err)
			}
		})
	}
	if _, err := storesync.DecodeAck([]byte(`{"store":"s1","epoch":"` + epoch + `","upto_seq":5}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := storesync.DecodeAck([]byte(`{"store":"S 1","epoch":"x","upto_seq":5}`)); err == nil {
		t.Fatal("bad ack accepted")
	}
}

func TestStoreFromTopic(t *testing.T) {
	for _, tt := range []struct{ topic, want string }{
		{"storeedge/v1/stores/msk-042/events", "msk-042"},
		{"storeedge/v1/stores//events", ""},
		{"storeedge/v1/all/downlink", ""},
		{"storeedge/v1/stores/A B/events", ""},
	} {
		got, err := storesync.StoreFromTopic(tt.topic)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Fatalf("%s: got %q err=%v", tt.topic, got, err)
		}
	}
}

// FuzzDecode feeds random bytes to every decoder of peer input: they return
// an error or a checked value, never panic.
func FuzzDecode(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz: not in -short")
	}
	f.Add([]byte(storesync.EncodeBatch([]json.RawMessage{event(1)})))
	f.Add([]byte(`{"stream":"prices","version":3,"items":[{"sku":"A"}]}`))
	f.Add([]byte(`{"store":"s1","epoch":"` + epoch + `","upto_seq":5}`))
	f.Add([]byte(`[{"specversion":"1.0"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if evs, err := storesync.DecodeBatch("s1", b); err == nil && len(evs) == 0 {
			t.Fatal("empty batch accepted")
		}
		if d, err := storesync.DecodeDownlink(b); err == nil && d.Validate() != nil {
			t.Fatal("invalid downlink accepted")
		}
		_, _ = storesync.DecodeAck(b)
	})
}
