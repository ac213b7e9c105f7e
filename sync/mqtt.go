package sync

import (
	"context"
	cryptorand "crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// Client timeouts. paho's defaults are either missing (a bare Wait can
// hang forever) or too long for a shop's uplink, so every one is explicit.
const (
	keepAlive            = 30 * time.Second
	pingTimeout          = 10 * time.Second
	connectTimeout       = 10 * time.Second
	writeTimeout         = 5 * time.Second
	maxReconnectInterval = 30 * time.Second
	connectRetryInterval = time.Second
	subscribeTimeout     = 10 * time.Second
	disconnectQuiesce    = 250 // milliseconds, as paho takes it
)

// errTokenTimeout means a token did not complete in time: the outcome of
// the operation is unknown, and the outbox and central's ack resolve it.
var errTokenTimeout = errors.New("mqtt: no answer in time")

// brokerSchemes are the URL schemes paho dials.
var brokerSchemes = map[string]bool{"tcp": true, "mqtt": true, "ssl": true, "mqtts": true, "tls": true, "ws": true, "wss": true}

// checkBroker validates a broker URL before paho sees it: paho only logs a
// bad one and then retries forever.
func checkBroker(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("broker %q: %w", raw, err)
	}
	if !brokerSchemes[u.Scheme] || u.Host == "" {
		return fmt.Errorf("broker %q: want tcp://, ssl://, mqtt://, mqtts://, ws:// or wss:// and a host", raw)
	}
	return nil
}

// tlsConfig builds the TLS settings from the CA and client certificate
// files; nil when none is set, so paho and net/http use their defaults.
func (r *Relay) tlsConfig() (*tls.Config, error) {
	if r.CAFile == "" && r.CertFile == "" && r.KeyFile == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if r.CAFile != "" {
		pem, err := os.ReadFile(r.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate in it", r.CAFile)
		}
	}
	if (r.CertFile == "") != (r.KeyFile == "") {
		return nil, errors.New("client certificate: set both the cert file and the key file")
	}
	if r.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(r.CertFile, r.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// brokerTLS is the TLS of the broker connection: an identity's, or the
// one built from the files.
func (r *Relay) brokerTLS() *tls.Config {
	if r.BrokerTLS != nil {
		return r.BrokerTLS
	}
	return r.tls
}

// clientID names a client to the broker. The downlink's session is
// persistent, so its id is stable ({store}-down). The uplink keeps no
// session, so its id gets a random suffix: two devices running as one shop
// (a copied data directory) would otherwise kick each other off the broker
// in turn, and neither could deliver the events that let central tell
// them apart.
func clientID(store, role string, clean bool) string {
	if !clean {
		return store + "-" + role
	}
	var b [4]byte
	_, _ = cryptorand.Read(b[:])
	return fmt.Sprintf("%s-%s-%x", store, role, b)
}

// clientOptions are the options both clients share (M7). paho keeps
// nothing that matters: a memory store, and the outbox is the real queue.
func (r *Relay) clientOptions(role string, clean bool, h mqtt.MessageHandler) *mqtt.ClientOptions {
	o := mqtt.NewClientOptions().AddBroker(r.Broker).
		SetClientID(clientID(r.StoreID, role, clean)).
		SetCleanSession(clean).
		SetStore(copyStore{mqtt.NewMemoryStore()}).
		SetAutoReconnect(true).
		SetConnectRetry(true).
		SetConnectRetryInterval(connectRetryInterval).
		SetMaxReconnectInterval(maxReconnectInterval).
		SetKeepAlive(keepAlive).
		SetPingTimeout(pingTimeout).
		SetConnectTimeout(connectTimeout).
		SetWriteTimeout(writeTimeout).
		SetOrderMatters(false).
		SetDefaultPublishHandler(h).
		SetTLSConfig(r.brokerTLS()).
		SetConnectionNotificationHandler(r.connectionNotice(role))
	if r.Username != "" {
		o.SetUsername(r.Username).SetPassword(r.Password)
	}
	return o
}

// copyStore is paho's MemoryStore holding its own copies of PUBLISH
// packets. On a reconnect paho resends stored packets and sets their DUP
// flag, while a Publish call caught by the connection loss may still hand
// the very same packet to the new connection: a data race (paho issue
// #703). With copies in and out, no packet is shared between the two.
type copyStore struct{ *mqtt.MemoryStore }

// Put stores a copy of a PUBLISH.
func (s copyStore) Put(key string, m packets.ControlPacket) { s.MemoryStore.Put(key, clonePublish(m)) }

// Get returns a copy of a stored PUBLISH.
func (s copyStore) Get(key string) packets.ControlPacket { return clonePublish(s.MemoryStore.Get(key)) }

func clonePublish(m packets.ControlPacket) packets.ControlPacket {
	if p, ok := m.(*packets.PublishPacket); ok && p != nil {
		cp := *p // the payload is never written, so it may be shared
		return &cp
	}
	return m
}

// connectionNotice logs failed connection attempts, which paho otherwise
// retries silently forever (a wrong host, port, password or certificate).
func (r *Relay) connectionNotice(role string) mqtt.ConnectionNotificationHandler {
	return func(_ mqtt.Client, n mqtt.ConnectionNotification) {
		switch n := n.(type) {
		case mqtt.ConnectionNotificationBrokerFailed:
			r.logWarn(role+"-connect", "mqtt: connect failed; retrying", "client", role, "err", n.Reason)
		case mqtt.ConnectionNotificationFailed:
			r.logWarn(role+"-connect", "mqtt: connect failed; retrying", "client", role, "err", n.Reason)
		}
	}
}

// jitter spreads reconnect attempts of many shops after a broker restart.
// paho backs off exponentially but in lockstep; before each attempt after
// a failure this waits a random part of an exponentially growing delay.
type jitter struct {
	ctx      context.Context
	failures atomic.Int64
}

// attempt is paho's OnConnectAttempt hook; it runs in paho's connecting
// goroutine, so it stops waiting as soon as the relay closes.
func (j *jitter) attempt(_ *url.URL, cfg *tls.Config) *tls.Config {
	n := j.failures.Add(1) - 1
	if n > 0 {
		sleepCtx(j.ctx, jittered(backoff(n, 250*time.Millisecond, maxReconnectInterval)))
	}
	return cfg
}

// connected resets the delay after a successful connect.
func (j *jitter) connected() { j.failures.Store(0) }

// backoff is base·2^n, capped.
func backoff(n int64, base, limit time.Duration) time.Duration {
	if n > 30 {
		return limit
	}
	return min(base<<n, limit)
}

// jittered returns a random duration in [d/2, d).
func jittered(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// sleepCtx sleeps for d or until ctx ends, and reports whether it slept.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// awaitToken waits for a token with a deadline (M6: never a bare Wait).
// A timeout means the outcome is unknown.
func awaitToken(ctx context.Context, tok mqtt.Token, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-t.C:
		return errTokenTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tokenState looks at a token without waiting: done reports completion
// and err its error.
func tokenState(tok mqtt.Token) (done bool, err error) {
	select {
	case <-tok.Done():
		return true, tok.Error()
	default:
		return false, nil
	}
}

// keepSubscribed subscribes and checks the outcome with a deadline, trying
// again with back-off while the connection stays up. When it drops, the
// next OnConnect subscribes afresh.
func (r *Relay) keepSubscribed(ctx context.Context, c mqtt.Client, what string, subscribe func() mqtt.Token) {
	for n := int64(0); ; n++ {
		err := subscribed(ctx, subscribe())
		if err == nil || ctx.Err() != nil || !c.IsConnectionOpen() {
			return
		}
		r.logError("subscribe-"+what, "mqtt: subscribe failed; retrying", "topic", what, "err", err)
		if !sleepCtx(ctx, jittered(backoff(n, time.Second, maxReconnectInterval))) {
			return
		}
	}
}

// subscribed awaits a SUBACK and checks its return codes: a broker that
// refuses a topic answers 0x80 without failing the token.
func subscribed(ctx context.Context, tok mqtt.Token) error {
	if err := awaitToken(ctx, tok, subscribeTimeout); err != nil {
		return err
	}
	if st, ok := tok.(*mqtt.SubscribeToken); ok {
		for topic, code := range st.Result() {
			if code == 0x80 {
				return fmt.Errorf("broker refused subscription to %s", topic)
			}
		}
	}
	return nil
}
