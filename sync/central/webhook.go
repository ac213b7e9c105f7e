package central

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/storeedge/storeedge/pos"
)

// webhookQueue bounds the events waiting for the CRM webhook. It is
// best-effort on top of PostgreSQL, which has every event anyway: when the
// queue is full, or central stops, the rest are counted and not sent.
const webhookQueue = 10_000

// webhook forwards applied events to a CRM, one POST per event, with the
// event id as Idempotency-Key so the CRM can drop the retries' duplicates.
type webhook struct {
	url     string
	client  *retryablehttp.Client
	queue   chan *pos.Event
	logger  *slog.Logger
	metrics *metrics
}

func newWebhook(url string, logger *slog.Logger, m *metrics) *webhook {
	c := retryablehttp.NewClient()
	c.RetryMax, c.RetryWaitMin, c.RetryWaitMax = 5, 200*time.Millisecond, 10*time.Second
	c.HTTPClient.Timeout = 15 * time.Second
	c.Logger = logger.With("component", "webhook")
	return &webhook{url: url, client: c, queue: make(chan *pos.Event, webhookQueue),
		logger: logger.With("component", "webhook"), metrics: m}
}

// enqueue queues events without ever blocking a worker.
func (h *webhook) enqueue(events []*pos.Event) {
	for _, e := range events {
		select {
		case h.queue <- e:
		default:
			h.metrics.webhookFailures.Inc()
		}
	}
}

// run posts queued events until ctx is done.
func (h *webhook) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-h.queue:
			if err := h.post(ctx, e); err != nil {
				h.metrics.webhookFailures.Inc()
				h.logger.Warn("event not forwarded to the CRM", "id", e.ID, "err", err)
				continue
			}
			h.metrics.webhookSent.Inc()
		}
	}
}

func (h *webhook) post(ctx context.Context, e *pos.Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, "POST", h.url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/cloudevents+json")
	req.Header.Set("Idempotency-Key", e.ID)
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
