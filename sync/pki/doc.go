// Package pki is the chain's public key infrastructure: the CA that central
// keeps, the shops' and central's MQTT client certificates, central's Ed25519
// signing key, the CRL, the broker's configuration and ACL, and the registry
// that tells central which keys may sign for a shop.
//
// It uses only the standard library, and sync, sync/central and
// cmd/storeedge import it; it imports none of them.
//
// # Basics
//
// A PKI directory (central's, from Init) holds:
//
//	ca.key, ca.crt              the chain CA (ECDSA P-256, 10 years)
//	central.key, central.crt    central's MQTT client certificate, CN "central"
//	central-signing.key         central's Ed25519 key: signs acks and downlink
//	central-signing.next.key    a staged next signing key (during a rotation)
//	central.pub                 the public signing keys shops accept
//	crl.pem                     the certificates revoked so far
//	stores/ID/SERIAL.crt        every certificate enrolled for a shop
//
// Enroll writes a shop's identity directory (store.crt, store.key, ca.crt,
// central.pub) and registers the certificate; LoadIdentity reads it on the
// shop, LoadCentral reads central's part, and a Registry answers which keys
// may sign for a shop. BrokerConfig writes a Mosquitto configuration whose
// ACL comes from Rules, the one table of who may publish and read where.
//
// Every file is written to a temporary file, synced, renamed into place and
// its directory synced, so a power cut leaves the old or the new file, never
// a torn one. Private keys are 0600 and directories 0700.
//
// # Caveats
//
// Mosquitto (2.0.11) reads crl.pem when it starts and again on SIGHUP, and
// checks it only when a connection is made: after a revocation, copy the
// CRL to the broker (CopyCRL) and send it SIGHUP to refuse new connections
// of the revoked shop, or restart it to also cut the connection it has
// open. Mosquitto acknowledges and silently drops a publish the ACL denies
// (MQTT 3.1.1 cannot say no), and grants any subscription but delivers only
// what the ACL lets the subscriber read.
//
// LoadIdentity accepts an expired shop certificate, so a shop whose
// certificate ran out keeps selling offline; Certificate.Leaf.NotAfter says
// when it expires, and the broker and the Registry refuse it once it has.
//
// Key rotation: enrolling a shop again adds a certificate next to the old
// ones, which stay valid until revoked by serial. Central's signing key
// rotates in two steps, RotateSigningKey with Stage and then, once every
// shop holds the new central.pub, Activate.
package pki
