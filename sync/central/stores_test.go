package central_test

import (
	"encoding/json"
	"testing"

	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/central"
)

func TestStores_StatusAndWatermarks(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	viewer := h.addToken(t, central.RoleViewer)
	s := newShop("s1")
	s.addSales(t, 4)
	h.publish(t, s.store, s.batch(1, 4))
	h.acks.wait(t, s.store, s.epoch, 4, 1)
	status, _ := json.Marshal(storesync.Status{Online: true, PendingEvents: 7, LastAckSeq: 4, Version: "1.2.3"})
	mustToken(t, h.client.Publish(storesync.StatusTopic("s1"), 1, true, h.seal("s1", storesync.KindStatus, status)))
	s2 := []byte(`{"online":false,"pending_events":0,"last_ack_seq":0,"version":"1.0","extra":1}`)
	mustToken(t, h.client.Publish(storesync.StatusTopic("s2"), 1, true, h.seal("s2", storesync.KindStatus, s2)))
	h.waitCount(t, 2, `SELECT count(*) FROM stores WHERE version <> ''`)

	var list central.StoreList
	if code := getJSON(t, viewer, c.URL()+"/api/v1/stores", &list); code != 200 || len(list.Items) != 2 || list.NextCursor != "" {
		t.Fatalf("GET stores: %d %+v", code, list)
	}
	s1 := list.Items[0]
	if s1.Store != "s1" || !s1.Online || s1.PendingEvents != 7 || s1.LastAckSeq != 4 || s1.Version != "1.2.3" || s1.LastSeen == nil {
		t.Fatalf("s1 = %+v", s1)
	}
	if len(s1.Watermarks) != 1 || s1.Watermarks[0].Epoch != s.epoch || s1.Watermarks[0].UptoSeq != 4 {
		t.Fatalf("s1 watermarks = %+v", s1.Watermarks)
	}
	if s1.LagEvents != 7 { // 4 acked + 7 pending, of which central holds 4
		t.Fatalf("s1 lag = %d, want 7", s1.LagEvents)
	}
	if s2 := list.Items[1]; s2.Store != "s2" || s2.Online || s2.LastSeen != nil || len(s2.Watermarks) != 0 {
		t.Fatalf("s2 = %+v", s2)
	}

	var page central.StoreList
	getJSON(t, viewer, c.URL()+"/api/v1/stores?limit=1", &page)
	if len(page.Items) != 1 || page.NextCursor != "s1" {
		t.Fatalf("page 1 = %+v", page)
	}
	getJSON(t, viewer, c.URL()+"/api/v1/stores?limit=1&cursor="+page.NextCursor, &page)
	if len(page.Items) != 1 || page.Items[0].Store != "s2" || page.NextCursor != "" {
		t.Fatalf("page 2 = %+v", page)
	}
	var one central.StoreInfo
	if code := getJSON(t, viewer, c.URL()+"/api/v1/stores/s1", &one); code != 200 || one.Store != "s1" || len(one.Watermarks) != 1 {
		t.Fatalf("GET stores/s1: %d %+v", code, one)
	}
	var p central.Problem
	if code := getJSON(t, viewer, c.URL()+"/api/v1/stores/nope", &p); code != 404 || p.Code != "not_found" {
		t.Fatalf("GET stores/nope: %d %+v", code, p)
	}
	var ready map[string]any
	if code := getJSON(t, "", c.URL()+"/readyz", &ready); code != 200 || ready["status"] != "ready" {
		t.Fatalf("readyz: %d %v", code, ready)
	}
}
