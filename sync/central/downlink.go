package central

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
)

// DownlinkRequest is the body of POST /api/v1/downlink. An empty Store
// sends the message to every shop.
type DownlinkRequest struct {
	Store  string            `json:"store,omitempty"`
	Stream string            `json:"stream"`
	Items  []json.RawMessage `json:"items"`
}

// DownlinkCreated is the 201 body of POST /api/v1/downlink; Store is null
// for a chain-wide message.
type DownlinkCreated struct {
	Stream  string  `json:"stream"`
	Version uint64  `json:"version"`
	Store   *string `json:"store"`
}

// Limits of the pull API.
const (
	DefaultPullLimit = 100
	MaxPullLimit     = 1000
)

// downlinkLockKey serializes version assignment and commit per stream, so
// a reader never sees version N+1 before version N has committed (a pull
// that did would move its cursor past N and never fetch it).
const downlinkLockKey = 0x646c6e6b // "dlnk"

func (s *Server) handlePostDownlink(w http.ResponseWriter, r *http.Request) {
	req, err := decodeDownlinkRequest(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var d pos.Downlink
	if req.Stream == pos.StreamCustomers {
		d, err = s.postCustomers(r.Context(), req)
	} else {
		items, _ := json.Marshal(req.Items) // compact: RawMessages are valid JSON
		d = pos.Downlink{Stream: req.Stream, Items: req.Items}
		d.Version, err = s.insertDownlink(r.Context(), req.Store, req.Stream, items)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version := d.Version
	s.metrics.downlinkPosted.Inc()
	s.publishDownlink(req.Store, d)
	out := DownlinkCreated{Stream: req.Stream, Version: version}
	if req.Store != "" {
		out.Store = &req.Store
	}
	writeJSON(w, http.StatusCreated, out)
}

// decodeDownlinkRequest reads and validates a downlink body; every item is
// checked by its stream's type, so a shop never receives what it would
// dead-letter.
func decodeDownlinkRequest(w http.ResponseWriter, r *http.Request) (*DownlinkRequest, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, storesync.MaxMessageBytes-1024))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, pos.Errorf(codePayloadTooLarge, "The body is over %d bytes.", tooBig.Limit)
	} else if err != nil {
		return nil, pos.Errorf(pos.CodeValidationFailed, "The body could not be read.")
	}
	var req DownlinkRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || dec.More() {
		return nil, pos.Errorf(pos.CodeValidationFailed, "The body must be one JSON object: {\"store\", \"stream\", \"items\"}.")
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return &req, nil
}

// Validate checks the target, the stream and every item.
func (req *DownlinkRequest) Validate() error {
	switch {
	case req.Store != "" && !storesync.ValidStoreID(req.Store):
		return pos.FieldErrorf("store", "store must be 1-64 of a-z, 0-9, - and _ (omit it for every shop)")
	case !pos.ValidStream(req.Stream):
		return pos.FieldErrorf("stream", "stream must be one of %s", strings.Join(pos.Streams, ", "))
	case len(req.Items) == 0 || len(req.Items) > pos.MaxDownlinkItems:
		return pos.FieldErrorf("items", "a message has 1 to %d items", pos.MaxDownlinkItems)
	}
	for i, it := range req.Items {
		if t := bytes.TrimSpace(it); len(t) == 0 || t[0] != '{' || hasNULEscape(t) {
			return pos.FieldErrorf("items["+strconv.Itoa(i)+"]", "an item must be a JSON object without \\u0000")
		}
	}
	_, err := pos.DecodeDownlinkItems(req.Stream, req.Items)
	return err
}

// insertDownlink stores a message under the next version of the shared
// sequence and commits it.
func (s *Server) insertDownlink(ctx context.Context, store, stream string, items []byte) (uint64, error) {
	var version int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockStream(ctx, tx, stream); err != nil {
			return err
		}
		var target *string
		if store != "" {
			target = &store
		}
		return tx.QueryRow(ctx, `INSERT INTO downlink (stream, store, items) VALUES ($1, $2, $3::jsonb) RETURNING version`,
			stream, target, string(items)).Scan(&version)
	})
	return uint64(version), err
}

// publishDownlink sends a committed message (QoS 1, not retained). If it
// is lost the shops still get it: they pull on every connect.
func (s *Server) publishDownlink(store string, d pos.Downlink) {
	b, err := json.Marshal(d)
	if err != nil || len(b) > storesync.MaxMessageBytes {
		s.metrics.downlinkFailed.Inc()
		return
	}
	topic, to := storesync.AllDownlinkTopic, storesync.AudienceAll
	if store != "" {
		topic, to = storesync.DownlinkTopic(store), store
	}
	s.publishSigned(topic, storesync.KindDownlink, to, b, false, s.metrics.downlinkFailed)
}

// pullBudget bounds a page's items in bytes, so a page stays a sensible
// HTTP response whatever the limit (at least one message is always sent).
const pullBudget = storesync.MaxMessageBytes

func (s *Server) handlePullDownlink(w http.ResponseWriter, r *http.Request) {
	store, q := r.PathValue("store"), r.URL.Query()
	stream := q.Get("stream")
	since, limit, err := pullParams(store, stream, q.Get("since"), q.Get("limit"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page, err := s.pullDownlink(r.Context(), store, stream, since, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeSigned(w, r, storesync.KindPull, store, page)
}

// writeSigned writes v as JSON signed for a shop: a page the shop can
// trust however it travelled (a proxy or a plain-HTTP hop cannot change
// prices on the way, or skip versions).
func (s *Server) writeSigned(w http.ResponseWriter, r *http.Request, kind, to string, v any) {
	b, err := json.Marshal(v)
	if err == nil {
		b, err = s.seal(kind, to, b)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(b, '\n')) // as writeJSON ends its bodies
}

// pullParams validates the pull's parameters: since defaults to 0, limit to
// DefaultPullLimit, and a limit above MaxPullLimit is lowered to it.
func pullParams(store, stream, sinceText, limitText string) (since int64, limit int, err error) {
	if !storesync.ValidStoreID(store) {
		return 0, 0, pos.FieldErrorf("store", "store must be 1-64 of a-z, 0-9, - and _")
	}
	if !pos.ValidStream(stream) {
		return 0, 0, pos.FieldErrorf("stream", "stream must be one of %s", strings.Join(pos.Streams, ", "))
	}
	if sinceText != "" {
		v, err := strconv.ParseUint(sinceText, 10, 64)
		if err != nil {
			return 0, 0, pos.FieldErrorf("since", "since must be a version: 0 or more")
		}
		since = int64(min(v, math.MaxInt64))
	}
	limit = DefaultPullLimit
	if limitText != "" {
		n, err := strconv.Atoi(limitText)
		if err != nil || n < 1 {
			return 0, 0, pos.FieldErrorf("limit", "limit must be from 1 to %d", MaxPullLimit)
		}
		limit = min(n, MaxPullLimit)
	}
	return since, limit, nil
}

const sqlDownlinkHead = `SELECT COALESCE(max(version), 0) FROM downlink
WHERE stream = $1 AND (store = $2 OR store IS NULL)`

const sqlDownlinkPage = `SELECT version, items FROM downlink
WHERE stream = $1 AND (store = $2 OR store IS NULL) AND version > $3
ORDER BY version LIMIT $4`

// pullDownlink reads the head and one page in one snapshot, so head is
// never below a message on the page.
func (s *Server) pullDownlink(ctx context.Context, store, stream string, since int64, limit int) (*storesync.PullPage, error) {
	page := &storesync.PullPage{Stream: stream, Messages: []json.RawMessage{}}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		var head int64
		if err := tx.QueryRow(ctx, sqlDownlinkHead, stream, store).Scan(&head); err != nil {
			return err
		}
		page.Head = uint64(head)
		rows, err := tx.Query(ctx, sqlDownlinkPage, stream, store, since, limit+1)
		if err != nil {
			return err
		}
		return fillPage(page, rows, limit)
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// fillPage reads up to limit messages, and no more than pullBudget bytes
// of items after the first; More is set when something was left. Each
// message is encoded as the pos.Downlink it is, so the page reads exactly
// as a page of pos.Downlink would.
func fillPage(p *storesync.PullPage, rows pgx.Rows, limit int) error {
	defer rows.Close()
	size := 0
	for rows.Next() {
		var version int64
		var items json.RawMessage
		if err := rows.Scan(&version, &items); err != nil {
			return err
		}
		size += len(items)
		if len(p.Messages) == limit || len(p.Messages) > 0 && size > pullBudget {
			p.More = true
			break
		}
		m, err := encodeMessage(p.Stream, uint64(version), items)
		if err != nil {
			return err
		}
		p.Messages = append(p.Messages, m)
	}
	return rows.Err()
}

// encodeMessage turns a stored row into the JSON of its pos.Downlink.
func encodeMessage(stream string, version uint64, items json.RawMessage) (json.RawMessage, error) {
	d := pos.Downlink{Stream: stream, Version: version}
	if err := json.Unmarshal(items, &d.Items); err != nil {
		return nil, err
	}
	return json.Marshal(d)
}
