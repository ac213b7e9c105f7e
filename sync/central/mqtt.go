package central

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	storesync "github.com/storeedge/storeedge/sync"
)

// openMQTT connects the consumer. paho keeps nothing that matters: a clean
// session and a memory store, because the shops resend whatever was not
// acked and the acks come from PostgreSQL. It waits up to ConnectWait for
// the first subscription; after that the client keeps retrying alone.
func (s *Server) openMQTT(opts *mqtt.ClientOptions) {
	s.client = mqtt.NewClient(opts)
	s.client.Connect() // with ConnectRetry it completes only once connected: never awaited
	timer := time.NewTimer(s.ConnectWait)
	defer timer.Stop()
	select {
	case <-s.firstSub:
	case <-timer.C:
		s.Logger.Warn("broker not reachable yet; retrying in the background", "broker", s.Broker)
	}
}

func (s *Server) clientOptions() (*mqtt.ClientOptions, error) {
	if u, err := url.Parse(s.Broker); err != nil || u.Host == "" {
		return nil, fmt.Errorf("central: broker url %q: want tcp://host:port or ssl://host:port", s.Broker)
	}
	opts := mqtt.NewClientOptions().AddBroker(s.Broker).SetClientID(s.ClientID).
		SetProtocolVersion(4).SetCleanSession(true).SetStore(mqtt.NewMemoryStore()).
		SetAutoReconnect(true).SetConnectRetry(true).SetConnectRetryInterval(time.Second).
		SetMaxReconnectInterval(30 * time.Second).SetKeepAlive(30 * time.Second).
		SetPingTimeout(10 * time.Second).SetConnectTimeout(10 * time.Second).
		SetWriteTimeout(10 * time.Second).SetOrderMatters(false).
		SetDefaultPublishHandler(s.onMessage).SetOnConnectHandler(s.onConnect).
		SetConnectionLostHandler(s.onConnectionLost)
	if s.Username != "" {
		opts.SetUsername(s.Username).SetPassword(s.Password)
	}
	tlsCfg, err := s.tlsConfig()
	if err != nil {
		return nil, err
	}
	if tlsCfg != nil {
		opts.SetTLSConfig(tlsCfg)
	}
	return opts, nil
}

// tlsConfig builds the broker's TLS settings from TLSConfig or the files;
// nil means paho's defaults (the system roots for ssl://). paho uses TLS
// only for ssl://, tls://, mqtts:// and wss:// brokers.
func (s *Server) tlsConfig() (*tls.Config, error) {
	if s.TLSConfig != nil {
		return s.TLSConfig, nil
	}
	if s.CAFile == "" && s.CertFile == "" && s.KeyFile == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, fmt.Errorf("central: ca file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("central: ca file %s holds no PEM certificate", s.CAFile)
		}
	}
	if (s.CertFile == "") != (s.KeyFile == "") {
		return nil, errors.New("central: a client certificate needs both the cert file and the key file")
	}
	if s.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(s.CertFile, s.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("central: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// onConnect subscribes on every (re)connect: the session is clean, so the
// broker forgot the subscriptions. It runs in its own goroutine.
func (s *Server) onConnect(c mqtt.Client) {
	s.metrics.connects.Inc()
	filters := map[string]byte{storesync.SharedEventsTopic: 1, storesync.AllStatusTopic: 1}
	for attempt := 0; ; attempt++ {
		err := s.wait(c.SubscribeMultiple(filters, nil), defaultPublishWait)
		if err == nil {
			break
		}
		s.Logger.Warn("subscribe failed", "err", err, "attempt", attempt+1)
		select {
		case <-s.stopping:
			return
		case <-time.After(min(time.Duration(attempt+1)*time.Second, 10*time.Second)):
		}
		if !c.IsConnectionOpen() {
			return // the next onConnect subscribes
		}
	}
	s.ready.Store(true)
	s.metrics.connected.Set(1)
	s.subOnce.Do(func() { close(s.firstSub) })
	s.Logger.Info("subscribed", "broker", s.Broker, "client_id", s.ClientID)
}

func (s *Server) onConnectionLost(_ mqtt.Client, err error) {
	s.ready.Store(false)
	s.metrics.connected.Set(0)
	s.Logger.Warn("broker connection lost; reconnecting", "err", err)
}

// unsubscribe tells the broker to send this replica nothing more, so that
// the shared subscription's other members take the load while it drains.
func (s *Server) unsubscribe() {
	if s.client == nil || !s.client.IsConnectionOpen() {
		return
	}
	tok := s.client.Unsubscribe(storesync.SharedEventsTopic, storesync.AllStatusTopic)
	if err := s.wait(tok, 2*time.Second); err != nil {
		s.Logger.Warn("unsubscribe", "err", err)
	}
}

// errTimeout is a token that did not complete in time: its outcome is
// unknown, which the shops' resends and the watermark resolve.
var errTimeout = errors.New("mqtt: timed out")

// wait awaits a token with a deadline; paho's bare Wait can hang forever.
func (s *Server) wait(tok mqtt.Token, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-timer.C:
		return errTimeout
	}
}

// publish sends a QoS 1 message without waiting: a goroutine awaits the
// token with a deadline and counts a failure, so a worker never stalls on
// the broker. Close waits for these goroutines before disconnecting.
func (s *Server) publish(topic string, payload []byte, retained bool, failures interface{ Inc() }) {
	tok := s.client.Publish(topic, 1, retained, payload)
	s.pending.Add(1)
	go func() {
		defer s.pending.Done()
		if err := s.wait(tok, defaultPublishWait); err != nil {
			failures.Inc()
			s.Logger.Warn("publish failed", "topic", topic, "err", err)
		}
	}()
}
