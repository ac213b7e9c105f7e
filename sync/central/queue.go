package central

import (
	"hash/fnv"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	storesync "github.com/storeedge/storeedge/sync"
)

// Kinds of message a worker handles.
const (
	kindEvents = iota
	kindStatus
)

// message is one MQTT message on its way to a worker.
type message struct {
	kind     int
	store    string
	payload  []byte
	received time.Time
}

// onMessage is paho's handler for every subscription. It only queues: with
// SetOrderMatters(false) paho runs it in its own goroutine, so the bounded
// wait in enqueue delays this message's PUBACK (back-pressure on the
// broker) but never paho's network loop.
func (s *Server) onMessage(_ mqtt.Client, msg mqtt.Message) {
	topic := msg.Topic()
	store, err := storesync.StoreFromTopic(topic)
	if err != nil {
		s.metrics.malformed.Inc()
		s.Logger.Warn("message on an unexpected topic dropped", "topic", topic)
		return
	}
	m := message{store: store, payload: msg.Payload(), received: time.Now()}
	switch {
	case strings.HasSuffix(topic, "/events"):
		m.kind = kindEvents
	case strings.HasSuffix(topic, "/status"):
		if len(m.payload) == 0 {
			return // a cleared retained status
		}
		m.kind = kindStatus
	default:
		s.metrics.malformed.Inc()
		return
	}
	s.enqueue(m)
}

// enqueue hands m to its store's worker, waiting a little when the queue is
// full. A message that still does not fit is dropped: the shop resends it.
func (s *Server) enqueue(m message) {
	q := s.queues[storeShard(m.store, len(s.queues))]
	select {
	case <-s.stopping:
		s.metrics.dropped.Inc()
		return
	case q <- m:
		return
	default:
	}
	timer := time.NewTimer(defaultEnqueueWait)
	defer timer.Stop()
	select {
	case q <- m:
	case <-s.stopping:
		s.metrics.dropped.Inc()
	case <-timer.C:
		s.metrics.dropped.Inc()
		s.Logger.Warn("apply queue full; message dropped (the shop resends it)", "store", m.store)
	}
}

// storeShard picks a store's worker, so one store's batches are applied in
// the order they were queued and never contend with each other here.
func storeShard(store string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(store))
	return int(h.Sum32() % uint32(n))
}

func (s *Server) queuedMessages() float64 {
	n := 0
	for _, q := range s.queues {
		n += len(q)
	}
	return float64(n)
}

func (s *Server) startWorkers() {
	s.queues = make([]chan message, s.Workers)
	for i := range s.queues {
		s.queues[i] = make(chan message, s.QueueSize)
		s.workers.Add(1)
		go s.work(s.queues[i])
	}
}

// work applies the messages of one queue until Close starts draining.
func (s *Server) work(q chan message) {
	defer s.workers.Done()
	for {
		select {
		case m := <-q:
			s.handle(m)
		case <-s.draining:
			s.drainQueue(q)
			return
		}
	}
}

// drainQueue applies what is left in q, until it is empty or the work
// context ends (the drain timed out, or a crash is simulated).
func (s *Server) drainQueue(q chan message) {
	for s.workCtx.Err() == nil {
		select {
		case m := <-q:
			s.handle(m)
		default:
			return
		}
	}
}

func (s *Server) handle(m message) {
	switch m.kind {
	case kindEvents:
		s.handleBatch(m)
	case kindStatus:
		s.handleStatus(m)
	}
}
