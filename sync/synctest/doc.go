// Package synctest starts the real parts that sync tests run against: a
// private Mosquitto broker on a free loopback port (killed and restarted to
// make an outage), a private PostgreSQL cluster (or the one named by
// STOREEDGE_TEST_DATABASE_URL), and a TCP proxy that cuts connections.
//
// A missing tool is installed with apt-get when the tests run as root, as
// in CI. Otherwise the test fails saying how to install it, except outside
// CI (CI unset), where it is skipped with that message.
package synctest
