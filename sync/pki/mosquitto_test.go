package pki_test

import (
	"crypto/tls"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/storeedge/storeedge/sync/pki"
	"github.com/storeedge/storeedge/sync/synctest"
)

const root = "storeedge/v1/"

// shared is central's shared subscription to every shop's events.
const shared = "$share/storeedge-central/" + root + "stores/+/events"

// chain is a PKI with two enrolled shops and a Mosquitto running the
// configuration BrokerConfig wrote, exactly as the product sets it up.
type chain struct {
	dir    string
	out    string // the broker directory
	broker *synctest.Broker
	shops  map[string]string // store -> identity directory
}

func startChain(t *testing.T) *chain {
	t.Helper()
	if testing.Short() {
		t.Skip("integration: needs Mosquitto")
	}
	c := &chain{dir: MustInit(t), out: filepath.Join(t.TempDir(), "broker"), shops: map[string]string{}}
	for _, s := range []string{"msk-001", "msk-002"} {
		c.shops[s], _ = MustEnroll(t, c.dir, s)
	}
	port := synctest.FreePort(t)
	opts := pki.BrokerOptions{Out: c.out, Hosts: []string{"127.0.0.1", "localhost"}, Port: port, Bind: "127.0.0.1"}
	if err := pki.BrokerConfig(c.dir, opts); err != nil {
		t.Fatal(err)
	}
	c.broker = synctest.StartBrokerWithConfig(t, filepath.Join(c.out, "mosquitto.conf"), port)
	return c
}

// shopTLS is what a shop dials the broker with.
func (c *chain) shopTLS(t *testing.T, store string) *tls.Config {
	t.Helper()
	id, err := pki.LoadIdentity(c.shops[store])
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{RootCAs: id.Roots, Certificates: []tls.Certificate{id.Certificate}, MinVersion: tls.VersionTLS12}
}

func (c *chain) centralTLS(t *testing.T) *tls.Config {
	t.Helper()
	ce, err := pki.LoadCentral(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{RootCAs: ce.Roots, Certificates: []tls.Certificate{ce.Certificate}, MinVersion: tls.VersionTLS12}
}

var clientSeq atomic.Int64

// connect dials the broker as MQTT 3.1.1, without retries, so a refusal
// shows as an error.
func (c *chain) connect(t *testing.T, cfg *tls.Config, name string) (mqtt.Client, error) {
	t.Helper()
	o := mqtt.NewClientOptions().AddBroker(c.broker.URL).SetTLSConfig(cfg).SetProtocolVersion(4).
		SetClientID(fmt.Sprintf("%s-%d", name, clientSeq.Add(1))).SetCleanSession(true).
		SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(5 * time.Second)
	cl := mqtt.NewClient(o)
	tok := cl.Connect()
	if !tok.WaitTimeout(10 * time.Second) {
		return nil, fmt.Errorf("connect %s: timed out", name)
	}
	if err := tok.Error(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { cl.Disconnect(100) })
	return cl, nil
}

func (c *chain) mustConnect(t *testing.T, cfg *tls.Config, name string) mqtt.Client {
	t.Helper()
	cl, err := c.connect(t, cfg, name)
	if err != nil {
		t.Fatalf("connect %s: %v\n%s", name, err, c.broker.Log())
	}
	return cl
}

type inbox chan mqtt.Message

// subscribe subscribes at QoS 1 and returns the messages and the SUBACK
// return code (0x80 is a refusal).
func subscribe(t *testing.T, cl mqtt.Client, filter string) (inbox, byte) {
	t.Helper()
	in := make(inbox, 100)
	tok := cl.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) {
		select {
		case in <- m:
		default:
		}
	})
	mustWait(t, tok)
	return in, tok.(*mqtt.SubscribeToken).Result()[filter]
}

func mustSubscribe(t *testing.T, cl mqtt.Client, filter string) inbox {
	t.Helper()
	in, code := subscribe(t, cl, filter)
	if code > 1 {
		t.Fatalf("subscribe %s: SUBACK %#x", filter, code)
	}
	return in
}

// publish sends at QoS 1 and waits for the PUBACK. Mosquitto PUBACKs an
// ACL-denied publish too (MQTT 3.1.1 has no way to say no), so a nil error
// says nothing about delivery.
func publish(t *testing.T, cl mqtt.Client, topic, payload string, retained bool) {
	t.Helper()
	mustWait(t, cl.Publish(topic, 1, retained, payload))
}

func mustWait(t *testing.T, tok mqtt.Token) {
	t.Helper()
	if !tok.WaitTimeout(10 * time.Second) {
		t.Fatal("MQTT token timed out")
	}
	if err := tok.Error(); err != nil {
		t.Fatal(err)
	}
}

// expect waits for payload on topic. It fails if a message with a payload
// in never arrives before it: the broker delivers to one subscriber in the
// order it accepted the publishes, so what did not come before a later
// control message was not delivered at all.
func expect(t *testing.T, in inbox, topic, payload string, never ...string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-in:
			for _, n := range never {
				if string(m.Payload()) == n {
					t.Fatalf("delivered %q on %s, which the ACL should have dropped", n, m.Topic())
				}
			}
			if m.Topic() == topic && string(m.Payload()) == payload {
				return
			}
		case <-timeout:
			t.Fatalf("no %q on %s within 10s", payload, topic)
		}
	}
}

// parties are the long-lived connections the subtests share: central,
// the shop msk-001, and a second msk-001 connection that watches what
// reaches that shop.
type parties struct {
	central, shop1     mqtt.Client
	events, status     inbox // central's
	acks1, down1, all1 inbox // msk-001's
}

func TestMosquitto(t *testing.T) {
	c := startChain(t)
	p := &parties{central: c.mustConnect(t, c.centralTLS(t), "central"),
		shop1: c.mustConnect(t, c.shopTLS(t, "msk-001"), "msk-001")}
	p.events = mustSubscribe(t, p.central, shared)
	p.status = mustSubscribe(t, p.central, root+"stores/+/status")
	watch1 := c.mustConnect(t, c.shopTLS(t, "msk-001"), "msk-001-watch")
	p.acks1 = mustSubscribe(t, watch1, root+"stores/msk-001/acks")
	p.down1 = mustSubscribe(t, watch1, root+"stores/msk-001/downlink")
	p.all1 = mustSubscribe(t, watch1, root+"all/downlink")

	t.Run("Authentication", func(t *testing.T) { testAuthentication(t, c) })
	t.Run("OwnEvents", func(t *testing.T) {
		publish(t, p.shop1, root+"stores/msk-001/events", "batch-1", false)
		expect(t, p.events, root+"stores/msk-001/events", "batch-1")
		publish(t, p.shop1, root+"stores/msk-001/status", `{"online":true}`, true)
		expect(t, p.status, root+"stores/msk-001/status", `{"online":true}`)
	})
	t.Run("ForgedPublishes", func(t *testing.T) { testForgedPublishes(t, p) })
	t.Run("ForeignSubscriptions", func(t *testing.T) { testForeignSubscriptions(t, c, p) })
	t.Run("Central", func(t *testing.T) { testCentral(t, c, p) })
	t.Run("Revoke", func(t *testing.T) { testRevoke(t, c, p.events) })
}

// testAuthentication: only a client certificate the CA issued for clients
// gets in.
func testAuthentication(t *testing.T, c *chain) {
	t.Run("NoClientCertificate", func(t *testing.T) {
		cfg := c.shopTLS(t, "msk-001")
		cfg.Certificates = nil
		if _, err := c.connect(t, cfg, "anonymous"); err == nil {
			t.Fatal("connected without a client certificate")
		}
	})
	t.Run("CertificateOfAnotherCA", func(t *testing.T) {
		forged, _ := MustEnroll(t, MustInit(t), "msk-001")
		id, err := pki.LoadIdentity(forged)
		if err != nil {
			t.Fatal(err)
		}
		cfg := c.shopTLS(t, "msk-001")
		cfg.Certificates = []tls.Certificate{id.Certificate}
		if _, err := c.connect(t, cfg, "forged"); err == nil {
			t.Fatal("connected with a certificate of another CA")
		}
	})
	t.Run("ServerCertificateAsClient", func(t *testing.T) {
		cert, err := tls.LoadX509KeyPair(filepath.Join(c.out, "server.crt"), filepath.Join(c.out, "server.key"))
		if err != nil {
			t.Fatal(err)
		}
		cfg := c.shopTLS(t, "msk-001")
		cfg.Certificates = []tls.Certificate{cert}
		if _, err := c.connect(t, cfg, "server"); err == nil {
			t.Fatal("connected with the server's certificate, which is not for clients")
		}
	})
	t.Run("ServerNameLocalhost", func(t *testing.T) {
		cfg := c.shopTLS(t, "msk-001")
		cfg.ServerName = "localhost"
		c.mustConnect(t, cfg, "msk-001-by-name")
	})
}

// testForgedPublishes: each forged publish is acknowledged and dropped; a
// control message published after it reaches the same subscriber, and the
// forged one never came before it.
func testForgedPublishes(t *testing.T, p *parties) {
	for _, tc := range []struct {
		name, topic string
		watch       inbox
		control     mqtt.Client // publishes the control message on topic
	}{
		{"OtherShopsEvents", root + "stores/msk-002/events", p.events, nil},
		{"OwnAcks", root + "stores/msk-001/acks", p.acks1, p.central},
		{"OwnDownlink", root + "stores/msk-001/downlink", p.down1, p.central},
		{"ChainDownlink", root + "all/downlink", p.all1, p.central},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forged := "forged-" + tc.name
			publish(t, p.shop1, tc.topic, forged, true)
			if !p.shop1.IsConnectionOpen() {
				t.Fatal("the broker dropped the forger; the test relies on it staying")
			}
			topic, by := tc.topic, tc.control
			if by == nil { // central cannot publish events: the forger's own topic is the control
				topic, by = root+"stores/msk-001/events", p.shop1
			}
			publish(t, by, topic, "control-"+tc.name, false)
			expect(t, tc.watch, topic, "control-"+tc.name, forged)
		})
	}
}

// testForeignSubscriptions: Mosquitto grants a shop's SUBSCRIBE to any
// filter (SUBACK 0x80 would do too) and checks the read ACL on every
// message it would deliver.
func testForeignSubscriptions(t *testing.T, c *chain, p *parties) {
	spy := c.mustConnect(t, c.shopTLS(t, "msk-001"), "msk-001-spy")
	for _, filter := range []string{root + "stores/msk-002/acks", root + "stores/+/events"} {
		_, code := subscribe(t, spy, filter)
		t.Logf("msk-001 SUBSCRIBE %s: SUBACK %#x", filter, code)
		if code != 0x80 && code > 1 {
			t.Fatalf("SUBACK %#x", code)
		}
	}
	// paho hands each message to every matching handler, so "#" sees all
	// that reaches the connection.
	all := mustSubscribe(t, spy, "#")
	publish(t, p.central, root+"stores/msk-002/acks", "ack-for-msk-002", true)
	publish(t, c.mustConnect(t, c.shopTLS(t, "msk-002"), "msk-002"), root+"stores/msk-002/events", "event-of-msk-002", false)
	publish(t, p.shop1, root+"stores/msk-001/events", "event-of-msk-001", false)
	publish(t, p.central, root+"stores/msk-001/acks", "ack-for-msk-001", true)
	expect(t, all, root+"stores/msk-001/acks", "ack-for-msk-001", "ack-for-msk-002", "event-of-msk-002", "event-of-msk-001")

	// Retained messages are queued while the SUBSCRIBE is handled, so a
	// live control message published after the SUBACK comes after every
	// retained one the broker would send.
	t.Run("Retained", func(t *testing.T) {
		late := c.mustConnect(t, c.shopTLS(t, "msk-001"), "msk-001-late")
		all := mustSubscribe(t, late, "#")
		publish(t, p.central, root+"stores/msk-001/acks", "control-retained", true)
		expect(t, all, root+"stores/msk-001/acks", "control-retained",
			"ack-for-msk-002", `{"online":true}`, "forged-OwnAcks", "forged-OwnDownlink", "forged-ChainDownlink", "forged-OtherShopsEvents")
	})
	t.Run("TheOwnerGetsIt", func(t *testing.T) {
		shop2 := c.mustConnect(t, c.shopTLS(t, "msk-002"), "msk-002")
		expect(t, mustSubscribe(t, shop2, root+"stores/msk-002/acks"), root+"stores/msk-002/acks", "ack-for-msk-002")
	})
}

// testCentral: central acks and sends downlink to one shop or all, reads
// every shop's events through the shared subscription, and may not speak
// for a shop.
func testCentral(t *testing.T, c *chain, p *parties) {
	shop2 := c.mustConnect(t, c.shopTLS(t, "msk-002"), "msk-002")
	down2 := mustSubscribe(t, shop2, root+"stores/msk-002/downlink")
	all2 := mustSubscribe(t, shop2, root+"all/downlink")
	publish(t, p.central, root+"stores/msk-002/downlink", "prices-for-msk-002", false)
	expect(t, down2, root+"stores/msk-002/downlink", "prices-for-msk-002")
	publish(t, p.central, root+"all/downlink", "catalog-for-all", false)
	expect(t, all2, root+"all/downlink", "catalog-for-all")
	expect(t, p.all1, root+"all/downlink", "catalog-for-all")
	publish(t, p.central, root+"stores/msk-001/acks", "ack-2", true)
	expect(t, p.acks1, root+"stores/msk-001/acks", "ack-2")
	publish(t, shop2, root+"stores/msk-002/events", "batch-of-msk-002", false)
	expect(t, p.events, root+"stores/msk-002/events", "batch-of-msk-002")

	publish(t, p.central, root+"stores/msk-001/events", "central-as-msk-001", false)
	publish(t, p.shop1, root+"stores/msk-001/events", "control-central", false)
	expect(t, p.events, root+"stores/msk-001/events", "control-central", "central-as-msk-001")
}

// testRevoke revokes msk-002 and finds out what the broker needs to refuse
// it: Mosquitto 2.0.11 re-reads crlfile on SIGHUP, which refuses new
// connections; one already open stays until the broker restarts.
func testRevoke(t *testing.T, c *chain, events inbox) {
	live := c.mustConnect(t, c.shopTLS(t, "msk-002"), "msk-002-live")
	if _, err := pki.Revoke(c.dir, "msk-002", ""); err != nil {
		t.Fatal(err)
	}
	if err := pki.CopyCRL(c.dir, c.out); err != nil {
		t.Fatal(err)
	}
	if cl, err := c.connect(t, c.shopTLS(t, "msk-002"), "msk-002-before-reload"); err == nil {
		t.Log("before SIGHUP the broker still accepts the revoked certificate: it read crl.pem at start")
		cl.Disconnect(0)
	}
	c.broker.Reload()
	refused := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !refused; {
		cl, err := c.connect(t, c.shopTLS(t, "msk-002"), "msk-002-after-reload")
		if refused = err != nil; !refused {
			cl.Disconnect(0)
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !refused {
		t.Fatalf("after SIGHUP the revoked msk-002 still connects\n%s", c.broker.Log())
	}
	c.mustConnect(t, c.shopTLS(t, "msk-001"), "msk-001-after-reload")

	// What SIGHUP leaves open: the connection made before it.
	publish(t, live, root+"stores/msk-002/events", "from-revoked-live", false)
	publish(t, c.mustConnect(t, c.shopTLS(t, "msk-001"), "msk-001-ctl"), root+"stores/msk-001/events", "control-revoke", false)
	delivered := false
	for m := range drainUntil(events, "control-revoke") {
		delivered = delivered || string(m.Payload()) == "from-revoked-live"
	}
	t.Logf("after SIGHUP, the revoked shop's open connection still delivers: %v", delivered)

	c.broker.Restart()
	if _, err := c.connect(t, c.shopTLS(t, "msk-002"), "msk-002-after-restart"); err == nil {
		t.Fatal("after a restart the revoked msk-002 still connects")
	}
	if live.IsConnectionOpen() {
		t.Fatal("the revoked shop's connection survived a broker restart")
	}
	c.mustConnect(t, c.shopTLS(t, "msk-001"), "msk-001-after-restart")
}

// drainUntil yields the messages of in up to and including payload.
func drainUntil(in inbox, payload string) func(func(mqtt.Message) bool) {
	return func(yield func(mqtt.Message) bool) {
		timeout := time.After(10 * time.Second)
		for {
			select {
			case m := <-in:
				if !yield(m) || string(m.Payload()) == payload {
					return
				}
			case <-timeout:
				return
			}
		}
	}
}
