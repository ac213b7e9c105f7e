package edge

import (
	"crypto/sha256"
	"math"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Shopper rate limiting defaults.
const (
	// DefaultShopperRate is the requests per minute a client IP may make on
	// the shopper endpoints: a page view is one request, so this is far
	// above what a person scanning tags does.
	DefaultShopperRate = 120
	// DefaultReservationRate is the reservations and orders per minute that
	// one client IP may place for one phone. A shopper places one per item
	// (and a phone holds at most shopper.max_reservations_per_phone at
	// once), so 5 leaves room for a retry or a cancel and rebook, while a
	// script hammering with one phone is stopped after 5. Thirty shoppers
	// behind one NAT address have thirty phones, so thirty buckets: only
	// ShopperRate bounds the address as a whole.
	DefaultReservationRate = 5
	// maxLimiterKeys bounds the limiter's memory: about 32 bytes a client.
	maxLimiterKeys = 1 << 16
)

// rateLimiter is a fixed-window counter per client, keyed by IP address
// (IPv6 by its /64, which one client usually holds entirely). All clients
// share one window, so starting a new one is a single clear() of the map,
// and a request costs one map lookup under a mutex: no allocation once
// the map has grown.
//
// When the map is full within a window, new clients are refused until the
// window ends (at most a minute): so many distinct clients in a minute on
// a shop's network is an attack, and failing closed bounds memory and the
// load on the services behind.
type rateLimiter struct {
	mu      sync.Mutex
	limit   uint32
	window  time.Duration
	maxKeys int
	start   time.Time // of the current window
	counts  map[[16]byte]uint32
}

func newRateLimiter(limit int, window time.Duration, maxKeys int) *rateLimiter {
	return &rateLimiter{
		limit: uint32(min(int64(max(limit, 1)), math.MaxUint32)), window: window, maxKeys: maxKeys,
		counts: make(map[[16]byte]uint32),
	}
}

// allow counts a request of key at now. When the key is over its limit it
// returns false and how long until the window ends.
func (l *rateLimiter) allow(key [16]byte, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= l.window || now.Before(l.start) {
		clear(l.counts)
		l.start = now
	}
	n, seen := l.counts[key]
	if n >= l.limit || !seen && len(l.counts) >= l.maxKeys {
		return false, l.start.Add(l.window).Sub(now)
	}
	l.counts[key] = n + 1
	return true, 0
}

// limiterKey turns a client IP into a fixed-size key; an IPv6 address
// keeps its /64 prefix. Anything unparsable shares the zero key.
func limiterKey(ip string) [16]byte {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return [16]byte{}
	}
	k := addr.Unmap().As16()
	if addr.Unmap().Is6() {
		clear(k[8:])
	}
	return k
}

// shopperLimiter is the middleware of every shopper route: past ShopperRate
// requests a minute from one client IP it answers 429 too_many_requests
// with Retry-After. A negative ShopperRate turns limiting off (load tests).
func (s *Server) shopperLimiter() fiber.Handler {
	rate := s.ShopperRate
	if rate == 0 {
		rate = DefaultShopperRate
	}
	if rate < 0 {
		return func(c fiber.Ctx) error { return c.Next() }
	}
	l := newRateLimiter(rate, time.Minute, maxLimiterKeys)
	return func(c fiber.Ctx) error {
		ok, wait := l.allow(limiterKey(c.IP()), time.Now())
		if !ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(wait)))
			return pos.Errorf(pos.CodeTooManyRequests, "too many requests from this device; retry after the time in Retry-After")
		}
		return c.Next()
	}
}

// retryAfterSeconds rounds a wait up to whole seconds, at least one.
func retryAfterSeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}

// newPlaceLimiter returns the limiter of reservations and orders per IP
// and phone, nil when ReservationRate turns it off.
func (s *Server) newPlaceLimiter() *rateLimiter {
	rate := s.ReservationRate
	if rate == 0 {
		rate = DefaultReservationRate
	}
	if rate < 0 {
		return nil
	}
	return newRateLimiter(rate, time.Minute, maxLimiterKeys)
}

// allowPlace counts a reservation or order of phone from the request's
// client and answers 429 too_many_requests (field phone) with Retry-After
// past ReservationRate a minute.
func (s *Server) allowPlace(c fiber.Ctx, phone string) error {
	if s.places == nil {
		return nil
	}
	ok, wait := s.places.allow(placeKey(c.IP(), phone), time.Now())
	if ok {
		return nil
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(wait)))
	return &pos.Error{Code: pos.CodeTooManyRequests, Field: "phone",
		Message: "too many reservations for this phone from this device; retry after the time in Retry-After"}
}

// placeKey is the limiter key of a client IP (as limiterKey) and a phone:
// a hash, so that the key stays 16 bytes.
func placeKey(ip, phone string) [16]byte {
	k := limiterKey(ip)
	h := sha256.New()
	h.Write(k[:])
	h.Write([]byte(phone))
	var out [16]byte
	copy(out[:], h.Sum(nil))
	return out
}
