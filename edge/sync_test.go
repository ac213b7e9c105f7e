package edge_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func TestSyncStatus(t *testing.T) {
	s := newServer(t)
	ack := now.Add(-time.Minute)
	s.Sync.SyncStatusFn = func(context.Context) (*pos.SyncStatus, error) {
		return &pos.SyncStatus{Connected: true, PendingEvents: 3, OldestPendingAgeS: 42, LastAckSeq: 17,
			LastAckAt: &ack, DownlinkVersions: map[string]uint64{"prices": 5}}, nil
	}
	res, body := s.do(t, "GET", "/api/v1/sync/status", "")
	var got map[string]any
	wantJSON(t, res, body, http.StatusOK, &got)
	for key, want := range map[string]any{
		"connected": true, "pending_events": 3.0, "oldest_pending_age_s": 42.0,
		"last_ack_seq": 17.0, "last_ack_at": "2025-03-01T09:59:00Z",
	} {
		if got[key] != want {
			t.Fatalf("%s=%v, want %v; body=%s", key, got[key], want, body)
		}
	}
	if v, ok := got["downlink_versions"].(map[string]any); !ok || v["prices"] != 5.0 {
		t.Fatalf("downlink_versions=%v", got["downlink_versions"])
	}
}
