package central

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
)

// Role is who a caller of the HTTP API is: an office token's role, or a
// shop that proved itself with a shop token.
type Role string

// The roles. An office token is admin or viewer; RoleShop is never stored.
const (
	RoleAdmin  Role = "admin"
	RoleViewer Role = "viewer"
	RoleShop   Role = "shop"
)

// action is one thing the HTTP API does; each guarded route names the one
// it needs.
type action string

const (
	actListStores   action = "stores.list"   // GET /api/v1/stores
	actReadStore    action = "stores.read"   // GET /api/v1/stores/{store}
	actPullDownlink action = "downlink.pull" // GET /api/v1/stores/{store}/downlink
	actPostDownlink action = "downlink.post" // POST /api/v1/downlink
	actReadLoyalty  action = "loyalty.read"  // GET /api/v1/customers/{id}/loyalty
)

// reach is how far a role's permission for an action goes.
type reach int

const (
	anyStore reach = iota + 1 // whatever {store} the route names, or none
	ownStore                  // only the {store} the caller speaks for
)

// permissions is the one place that says who may do what on the HTTP API.
// An action a role does not list is forbidden to it.
var permissions = map[Role]map[action]reach{
	RoleAdmin:  {actListStores: anyStore, actReadStore: anyStore, actPullDownlink: anyStore, actPostDownlink: anyStore, actReadLoyalty: anyStore},
	RoleViewer: {actListStores: anyStore, actReadStore: anyStore, actPullDownlink: anyStore, actReadLoyalty: anyStore},
	RoleShop:   {actReadStore: ownStore, actPullDownlink: ownStore},
}

// caller is an authenticated credential: an office token's name and role,
// or a shop.
type caller struct {
	role  Role
	name  string // the office token's name
	store string // the shop a shop token speaks for
}

// may reports whether c may do act on store, the route's {store} ("" when
// the route names none).
func (c caller) may(act action, store string) bool {
	switch permissions[c.role][act] {
	case anyStore:
		return true
	case ownStore:
		return store != "" && store == c.store
	}
	return false
}

// Answers of the guard. They never say which part of a credential failed,
// except a shop's clock, which its operator must be able to fix.
var (
	errNoCredentials = pos.Errorf(pos.CodeUnauthorized, "Send Authorization: Bearer <token>, an office token or a shop token.")
	errBadCredential = pos.Errorf(pos.CodeUnauthorized, "The token is unknown, revoked or not valid.")
	errShopClock     = pos.Errorf(pos.CodeUnauthorized, "The shop token's time is more than 10 minutes from central's clock: check the shop's clock.")
)

// guard serves h only to a caller whose role allows act on the request's
// {store}: 401 without a valid credential, 403 outside its permissions.
func (s *Server) guard(act action, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.authenticate(r)
		if err == nil && !c.may(act, r.PathValue("store")) {
			err = pos.Errorf(pos.CodeForbidden, "This credential may not do %s here.", act)
		}
		if err != nil {
			s.metrics.denied.WithLabelValues(pos.ErrorCode(err)).Inc()
			s.writeError(w, r, err)
			return
		}
		h(w, r)
	})
}

// authenticate finds who sent r from its Authorization header.
func (s *Server) authenticate(r *http.Request) (caller, error) {
	token, ok := bearer(r.Header.Get("Authorization"))
	switch {
	case !ok:
		return caller{}, errNoCredentials
	case strings.HasPrefix(token, officeTokenPrefix):
		return s.officeCaller(r.Context(), token)
	case s.ShopKeys != nil:
		return s.shopCaller(token)
	}
	return caller{}, errBadCredential
}

// bearer returns the token of an "Authorization: Bearer <token>" header;
// the scheme is case-insensitive (RFC 9110).
func bearer(header string) (string, bool) {
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	return token, strings.EqualFold(scheme, "Bearer") && token != ""
}

const sqlFindOfficeToken = `SELECT name, role FROM office_tokens WHERE token_hash = $1 AND revoked_at IS NULL`

// officeCaller looks an office token up by its hash. A failing database is
// an internal error, not a refusal: the caller should retry, not re-login.
func (s *Server) officeCaller(ctx context.Context, token string) (caller, error) {
	hash := sha256.Sum256([]byte(token))
	var c caller
	err := s.pool.QueryRow(ctx, sqlFindOfficeToken, hash[:]).Scan(&c.name, &c.role)
	if errors.Is(err, pgx.ErrNoRows) {
		return caller{}, errBadCredential
	} else if err != nil {
		return caller{}, fmt.Errorf("look up office token: %w", err)
	}
	return c, nil
}

// shopCaller verifies a shop token against the store's enrolled keys. The
// reason is logged at debug only: a flood of bad tokens must not flood the
// log (the denied counter shows it).
func (s *Server) shopCaller(token string) (caller, error) {
	store, err := storesync.VerifyShopToken(token, s.ShopKeys, time.Now())
	switch {
	case errors.Is(err, storesync.ErrShopTokenStale):
		return caller{}, errShopClock
	case err != nil:
		s.Logger.Debug("shop token refused", "err", err)
		return caller{}, errBadCredential
	}
	return caller{role: RoleShop, store: store}, nil
}
