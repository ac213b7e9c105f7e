package central

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/storeedge/storeedge/sync/synctest"
)

func TestLoadMigrations(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if got, want := m.version, i+1; got != want {
			t.Fatalf("migration %d (%s) has version %d, want %d", i, m.name, got, want)
		}
	}
}

func TestMigrate_Idempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL: not in -short")
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, synctest.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ms, _ := loadMigrations()
	for _, want := range []int{len(ms), 0} {
		if got, err := migrate(ctx, pool); err != nil || got != want {
			t.Fatalf("migrate applied %d (%v), want %d", got, err, want)
		}
	}
}
