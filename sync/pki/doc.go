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
// Mosquitto reads crl.pem only when it starts (see BrokerConfig): after a
// revocation, copy the CRL to the broker and restart it.
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
