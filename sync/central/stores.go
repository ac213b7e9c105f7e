package central

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
)

// StoreInfo is one shop in GET /api/v1/stores: its last status, central's
// watermarks (newest epoch first) and how many events it still holds that
// central has not stored.
type StoreInfo struct {
	Store         string      `json:"store"`
	Online        bool        `json:"online"`
	LastSeen      *time.Time  `json:"last_seen"`
	PendingEvents int64       `json:"pending_events"`
	LastAckSeq    int64       `json:"last_ack_seq"`
	Version       string      `json:"version"`
	UpdatedAt     time.Time   `json:"updated_at"`
	Watermarks    []Watermark `json:"watermarks"`
	LagEvents     int64       `json:"lag_events"`
	// Trust on the sync path: events offered at a storeseq central already
	// holds with another event (two devices writing one epoch, such as a
	// copied data directory), events kept in quarantine, and messages on
	// the shop's topics refused as not signed by it.
	Conflicts      int64      `json:"conflicts"`
	LastConflictAt *time.Time `json:"last_conflict_at"`
	Quarantined    int64      `json:"quarantined"`
	Rejected       int64      `json:"rejected_messages"`
}

// Watermark is central's highest gap-free storeseq of one epoch of a shop.
type Watermark struct {
	Epoch     string    `json:"epoch"`
	UptoSeq   int64     `json:"upto_seq"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StoreList is the body of GET /api/v1/stores.
type StoreList struct {
	Items      []StoreInfo `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

const sqlStoreColumns = `SELECT store, online, last_seen, pending_events, last_ack_seq, version, updated_at,
	conflicts, last_conflict_at, quarantined, rejected FROM stores `

const sqlListStores = sqlStoreColumns + `WHERE store > $1 ORDER BY store LIMIT $2`

const sqlGetStore = sqlStoreColumns + `WHERE store = $1`

const sqlListWatermarks = `SELECT store, epoch, upto_seq, updated_at FROM watermarks
WHERE store = ANY($1) ORDER BY store, updated_at DESC, epoch`

// handleListStores lists shops in id order, limit (default and max 1000)
// at a time; next_cursor, when not empty, fetches the next page.
func (s *Server) handleListStores(w http.ResponseWriter, r *http.Request) {
	limit := 1000
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.writeError(w, r, pos.FieldErrorf("limit", "limit must be a positive number"))
			return
		}
		limit = min(n, 1000)
	}
	stores, err := s.findStores(r.Context(), sqlListStores, r.URL.Query().Get("cursor"), limit+1)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := StoreList{Items: stores}
	if len(stores) > limit {
		out.Items = stores[:limit]
		out.NextCursor = stores[limit-1].Store
	}
	writeJSON(w, http.StatusOK, out)
}

// handleGetStore returns one shop.
func (s *Server) handleGetStore(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("store")
	if !storesync.ValidStoreID(id) {
		s.writeError(w, r, pos.FieldErrorf("store", "store must be 1-64 of a-z, 0-9, - and _"))
		return
	}
	stores, err := s.findStores(r.Context(), sqlGetStore, id)
	if err == nil && len(stores) == 0 {
		err = pos.Errorf(pos.CodeNotFound, "No store %q.", id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, stores[0])
}

// findStores returns the shops a query of stores selects, with their
// watermarks and lag.
func (s *Server) findStores(ctx context.Context, sql string, args ...any) ([]StoreInfo, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	stores, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StoreInfo, error) {
		var si StoreInfo
		err := row.Scan(&si.Store, &si.Online, &si.LastSeen, &si.PendingEvents, &si.LastAckSeq, &si.Version, &si.UpdatedAt,
			&si.Conflicts, &si.LastConflictAt, &si.Quarantined, &si.Rejected)
		si.Watermarks = []Watermark{}
		return si, err
	})
	if err != nil || len(stores) == 0 {
		return []StoreInfo{}, err
	}
	if err := s.addWatermarks(ctx, stores); err != nil {
		return nil, err
	}
	return stores, nil
}

func (s *Server) addWatermarks(ctx context.Context, stores []StoreInfo) error {
	ids := make([]string, len(stores))
	index := make(map[string]*StoreInfo, len(stores))
	for i := range stores {
		ids[i], index[stores[i].Store] = stores[i].Store, &stores[i]
	}
	rows, err := s.pool.Query(ctx, sqlListWatermarks, ids)
	if err != nil {
		return err
	}
	var store string
	var wm Watermark
	_, err = pgx.ForEachRow(rows, []any{&store, &wm.Epoch, &wm.UptoSeq, &wm.UpdatedAt}, func() error {
		si := index[store]
		wm.UpdatedAt = wm.UpdatedAt.UTC()
		si.Watermarks = append(si.Watermarks, wm)
		return nil
	})
	for i := range stores {
		stores[i].finish()
	}
	return err
}

// finish normalizes times to UTC and works out the lag: the shop's last
// acked seq plus what it still holds, less central's watermark of the
// newest epoch (an ack may be on its way, so central can be ahead).
func (si *StoreInfo) finish() {
	si.UpdatedAt = si.UpdatedAt.UTC()
	if si.LastSeen != nil {
		t := si.LastSeen.UTC()
		si.LastSeen = &t
	}
	if si.LastConflictAt != nil {
		t := si.LastConflictAt.UTC()
		si.LastConflictAt = &t
	}
	head := si.LastAckSeq + si.PendingEvents
	if len(si.Watermarks) > 0 {
		head -= si.Watermarks[0].UptoSeq
	}
	si.LagEvents = max(head, 0)
}
