// Package sync carries a shop's events to the central office and the
// central office's catalog, prices, customers, stock and orders down to the
// shop, over MQTT 3.1.1 (QoS 1) with HTTP as the path of record for
// downlink. It defines the wire format (topics, CloudEvents batches, acks,
// downlink messages) shared by the edge's Relay and by sync/central.
//
// The package name shadows the standard library's sync; importers alias it
// storesync.
//
// # Basics
//
// The outbox in bbolt is the only durable queue. The Relay publishes its
// events in storeseq order, in batches, with a bounded window in flight, and
// deletes them only when central's ack (published after central's database
// commit) covers them. A broker PUBACK deletes nothing. After every
// (re)connect the Relay starts again from central's last ack + 1.
//
// # Caveats
//
// paho keeps nothing that matters: it uses a memory store, and a publish it
// reports as done may still have been lost. Tokens are always awaited with a
// deadline, and message handlers only hand messages to a channel, so a slow
// database never blocks paho's network loop.
package sync
