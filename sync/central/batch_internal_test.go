package central

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"
	storesync "github.com/storeedge/storeedge/sync"
)

func TestHasNULEscape(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`{"a":"b"}`, false},
		{`{"a":"\u0000"}`, true},
		{`{"a":"x\u0000y"}`, true},
		{`{"a":"\\u0000"}`, false}, // an escaped backslash, then text
		{`{"a":"\\\u0000"}`, true}, // an escaped backslash, then NUL
		{`{"a":"\u00001"}`, true},  // NUL, then "1"
		{`{"a":"\u0001"}`, false},  // not NUL
		{`\u000`, false},           // too short
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := hasNULEscape([]byte(tc.in)); got != tc.want {
				t.Fatalf("hasNULEscape(%s)=%v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestDecodeBatch_SortsAndCanonicalizes(t *testing.T) {
	events := benchEvents(t, "s1", "0123456789abcdef0123456789abcdef", 1, 3)
	events[0].StoreSeq, events[2].StoreSeq = 3, 1
	id := uuid.MustParse(events[1].ID)
	events[1].ID = "{" + id.String() + "}"
	var raws []json.RawMessage
	for i := range events {
		b, _ := json.Marshal(&events[i])
		raws = append(raws, b)
	}
	got, err := decodeBatch("s1", storesync.EncodeBatch(raws))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range got {
		if e.StoreSeq != uint64(i+1) {
			t.Fatalf("events[%d].StoreSeq=%d, want %d", i, e.StoreSeq, i+1)
		}
	}
	if got[1].ID != id.String() {
		t.Fatalf("ID=%q, want %q", got[1].ID, id.String())
	}
}

// FuzzDecodeBatch feeds decodeBatch arbitrary payloads: it never panics,
// and what it accepts PostgreSQL can store.
func FuzzDecodeBatch(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds: not in -short")
	}
	events := benchEvents(f, "s1", "0123456789abcdef0123456789abcdef", 1, 2)
	var raws []json.RawMessage
	for i := range events {
		b, _ := json.Marshal(&events[i])
		raws = append(raws, b)
	}
	f.Add(storesync.EncodeBatch(raws))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"specversion":"1.0"}]`))
	f.Add([]byte("\xff\x00garbage"))
	f.Add([]byte(`[{"specversion":"1.0","id":"0190b2a0-0000-7000-8000-000000000000","source":"/stores/s1/t","type":"ru.storeedge.x","time":"2024-01-01T00:00:00Z","storeseq":9223372036854775808,"storeepoch":"0123456789abcdef0123456789abcdef","data":{"a":"\u0000"}}]`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		got, err := decodeBatch("s1", payload)
		if err != nil {
			return
		}
		for i, e := range got {
			if e.StoreSeq == 0 || e.StoreSeq > math.MaxInt64 || !utf8.Valid(e.Data) || hasNULEscape(e.Data) {
				t.Fatalf("accepted event %d: %+v", i, e)
			}
			if _, err := uuid.Parse(e.ID); err != nil || uuid.MustParse(e.ID).String() != e.ID {
				t.Fatalf("accepted id %q", e.ID)
			}
			if i > 0 && (got[i-1].StoreEpoch > e.StoreEpoch || got[i-1].StoreEpoch == e.StoreEpoch && got[i-1].StoreSeq > e.StoreSeq) {
				t.Fatalf("not sorted at %d", i)
			}
		}
	})
}
