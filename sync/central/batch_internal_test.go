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
	for i, in := range got {
		if in.ev.StoreSeq != uint64(i+1) || !in.slotted || in.reason != "" {
			t.Fatalf("events[%d] = seq %d slotted %v reason %q, want seq %d stored", i, in.ev.StoreSeq, in.slotted, in.reason, i+1)
		}
	}
	if got[1].ev.ID != id.String() {
		t.Fatalf("ID=%q, want %q", got[1].ev.ID, id.String())
	}
}

// TestDecodeBatch_SortsOut shows what becomes of each kind of bad event:
// quarantined in its place when it says where it goes, quarantined without
// a place when it does not, and only a batch that is no array is an error.
func TestDecodeBatch_SortsOut(t *testing.T) {
	const epoch = "0123456789abcdef0123456789abcdef"
	good := benchEvents(t, "s1", epoch, 1, 1)[0]
	enc := func(f func(e map[string]any)) json.RawMessage {
		b, _ := json.Marshal(&good)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		f(m)
		b, _ = json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name    string
		raw     json.RawMessage
		slotted bool
		bad     bool
	}{
		{"Good", enc(func(map[string]any) {}), true, false},
		{"OtherStoreSource", enc(func(m map[string]any) { m["source"] = "/stores/s2/terminals/t1" }), true, true},
		{"NULInData", enc(func(m map[string]any) { m["data"] = map[string]any{"ref": "a\x00b"} }), true, true},
		{"DataNotObject", enc(func(m map[string]any) { m["data"] = []int{1} }), true, true},
		{"BadID", enc(func(m map[string]any) { m["id"] = "x" }), true, true},
		{"SeqZero", enc(func(m map[string]any) { m["storeseq"] = 0 }), false, true},
		{"BadEpoch", enc(func(m map[string]any) { m["storeepoch"] = "zz" }), false, true},
		{"NotAnEvent", json.RawMessage(`"hello"`), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeBatch("s1", storesync.EncodeBatch([]json.RawMessage{tc.raw}))
			if err != nil {
				t.Fatal(err)
			}
			if in := got[0]; in.slotted != tc.slotted || (in.reason != "") != tc.bad {
				t.Fatalf("slotted %v reason %q, want slotted %v bad %v", in.slotted, in.reason, tc.slotted, tc.bad)
			}
		})
	}
	for _, payload := range []string{``, `{}`, `[]`, "\x00\xff"} {
		if _, err := decodeBatch("s1", []byte(payload)); err == nil {
			t.Fatalf("decodeBatch(%q) accepted", payload)
		}
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
		for i, in := range got {
			e := &in.ev
			if in.slotted && (e.StoreSeq == 0 || e.StoreSeq > math.MaxInt64) {
				t.Fatalf("slotted event %d out of range: %+v", i, e)
			}
			if in.reason != "" {
				continue // quarantined: kept as text, never stored as an event
			}
			if !utf8.Valid(e.Data) || hasNULEscape(e.Data) {
				t.Fatalf("accepted event %d: %+v", i, e)
			}
			if _, err := uuid.Parse(e.ID); err != nil || uuid.MustParse(e.ID).String() != e.ID {
				t.Fatalf("accepted id %q", e.ID)
			}
			if i > 0 && got[i-1].slotted && in.slotted && (got[i-1].ev.StoreEpoch > e.StoreEpoch ||
				got[i-1].ev.StoreEpoch == e.StoreEpoch && got[i-1].ev.StoreSeq > e.StoreSeq) {
				t.Fatalf("not sorted at %d", i)
			}
		}
	})
}
