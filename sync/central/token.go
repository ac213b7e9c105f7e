package central

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/storeedge/storeedge/pos"
)

// officeTokenPrefix marks an office token ("seo_" + 32 random bytes in
// base64url), so a leaked one is easy to recognise and to scan for.
const officeTokenPrefix = "seo_"

// AddToken creates an office token called name with role (RoleAdmin or
// RoleViewer) and returns it. Only its SHA-256 is stored: this is the one
// time anyone sees the token. A name is used once, even after its token
// is revoked, so the record of who held what stays unambiguous. The
// database must be migrated (Migrate).
func AddToken(ctx context.Context, pool *pgxpool.Pool, name string, role Role) (string, error) {
	if !validTokenName(name) {
		return "", pos.FieldErrorf("name", "name must be 1-64 of A-Z, a-z, 0-9, '.', '_', '-' and '@'")
	}
	if role != RoleAdmin && role != RoleViewer {
		return "", pos.FieldErrorf("role", "role must be admin or viewer")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := officeTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	hash := sha256.Sum256([]byte(token))
	_, err := pool.Exec(ctx, `INSERT INTO office_tokens (name, role, token_hash) VALUES ($1, $2, $3)`, name, string(role), hash[:])
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "office_tokens_name_key" {
		return "", pos.Errorf(pos.CodeConflict, "A token named %q exists already (revoked ones keep their names).", name)
	} else if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeToken revokes the office token called name: from the next request
// on, it is refused. Revoking a revoked or unknown name is not_found.
func RevokeToken(ctx context.Context, pool *pgxpool.Pool, name string) error {
	tag, err := pool.Exec(ctx, `UPDATE office_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL`, name)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return pos.Errorf(pos.CodeNotFound, "No active token named %q.", name)
	}
	return nil
}

// validTokenName reports whether name is 1-64 of [A-Za-z0-9._@-]: a
// person's login, a system's name, an email address.
func validTokenName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._@-", c) >= 0) {
			return false
		}
	}
	return true
}
