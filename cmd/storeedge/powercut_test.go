package main_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"github.com/storeedge/storeedge/sync/pki"
	"github.com/storeedge/storeedge/sync/synctest/powercut"
	"go.etcd.io/bbolt"
)

// powerCut is the outage kill -9 cannot show: the server dies, and so does
// everything the kernel held for it that was not on disk (writes since a
// file's last fsync, names since their directory's last fsync). The server
// runs on a powercut file system standing on disk; after the cut the next
// server starts on disk itself, as it would after the power came back.
type powerCut struct {
	disk    string
	fs      *powercut.FS
	cuts    int
	dropped int64 // bytes the cuts threw away
	undone  int   // directory operations the cuts undid
}

func (o *powerCut) loadServer(t *testing.T, dir string, check *proc) *proc {
	if check != nil {
		check.stop(t)
	}
	o.fs = powercut.Mount(t, o.disk)
	return startServe(t, o.onMount(t, dir))
}

func (o *powerCut) strike(_ *testing.T, p *proc) {
	p.kill()
	o.fs.Cut()
	o.count()
}

// count adds what the cut just now threw away.
func (o *powerCut) count() {
	st := o.fs.Stats()
	o.cuts++
	o.dropped += st.DroppedBytes
	o.undone += st.DirUndone
}

// onMount is path (under disk) as the mounted file system shows it.
func (o *powerCut) onMount(t *testing.T, path string) string {
	rel, err := filepath.Rel(o.disk, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		t.Fatalf("%s is not on the disk %s", path, o.disk)
	}
	return filepath.Join(o.fs.Dir(), rel)
}

// powerCuts is how many cuts a run makes (the env var, else short): a
// few in make test, 100 while selling and 10 an operation in make torture.
func powerCuts(t *testing.T, env string, short int) int {
	v := os.Getenv(env)
	if v == "" {
		return short
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", env, v)
	}
	return n
}

// TestPowerCut is TestCrash with power cuts: 8 tills sell, return and close
// and open shifts on the real server, the power goes, and the server
// starts again on the disk. Every acknowledged sale, return, close and
// open is there with its stock effect; the outbox has no gap and no
// duplicate; receipt numbers have no gap; and afterwards the shop syncs to
// central, which holds every sale and return exactly once.
func TestPowerCut(t *testing.T) {
	if testing.Short() {
		t.Skip("power cuts: not in -short")
	}
	disk := t.TempDir()
	o := &powerCut{disk: disk}
	dir := filepath.Join(disk, "data")
	r := runOutages(t, dir, o, powerCuts(t, "STOREEDGE_POWERCUT_CUTS", 3))
	t.Logf("%d power cuts threw away %d unsynced bytes and undid %d directory operations", o.cuts, o.dropped, o.undone)
	t.Logf("checked after every cut: each acknowledged sale (%d), return (%d), shift close (%d) and open (%d) was there",
		r.log.acked(), r.log.ackedReturns(), len(r.log.closed), len(r.log.opened))
	t.Logf("checked at the end: each sale and return once by its key, storeseq 1..N with no gap or duplicate, " +
		"receipt numbers 1..n in every shift, stock = initial - sold + returned for every product")
	syncAfterOutages(t, dir, r)
}

// syncAfterOutages starts the shop on a chain and checks central gets
// every sale and return of its database exactly once.
func syncAfterOutages(t *testing.T, dir string, r *outageRun) {
	db := openForCheck(t, dir)
	sales := allSales(t, db)
	returns, _ := countReturns(t, db)
	db.Close()
	ids := make([]string, len(sales))
	for i, s := range sales {
		ids[i] = s.ID
	}
	ch := newChain(t)
	ch.central(t)
	p := startServe(t, dir, ch.shopArgs(t, "store-1")...)
	r.tills[0].base = p.URL
	s := &shop{store: "store-1", tills: r.tills[:1], proc: p}
	st := s.waitDrained(t, 2*time.Minute)
	centralSalesOnce(t, ch.dbURL, "store-1", ids)
	if got := centralCount(t, ch.dbURL, `SELECT count(*) FROM returns WHERE store = 'store-1'`); got != returns {
		t.Fatalf("central has %d returns, the shop %d", got, returns)
	}
	t.Logf("checked after syncing: central holds each of the %d sales and %d returns exactly once (%d events acked)", len(ids), returns, st.LastAckSeq)
}

// TestPowerCut_Operations cuts the power during each operation that
// writes files besides selling: a backup, a compaction, enrolling a shop,
// a catalog import and a schema migration. Each either completed or left
// the old state; no file is ever broken.
func TestPowerCut_Operations(t *testing.T) {
	if testing.Short() {
		t.Skip("power cuts: not in -short")
	}
	n := powerCuts(t, "STOREEDGE_POWERCUT_OPS", 2)
	for _, op := range []struct {
		name string
		run  func(t *testing.T, rng *rand.Rand)
	}{
		{"Backup", cutDuringBackup},
		{"Compact", cutDuringCompact},
		{"Enroll", cutDuringEnroll},
		{"Provision", cutAfterProvision},
		{"DemoStart", cutAfterDemoStart},
		{"CatalogImport", cutDuringImport},
		{"Migration", cutDuringMigration},
	} {
		t.Run(op.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
			for range n {
				op.run(t, rng)
			}
		})
	}
}

// cutAfter starts argv on the mount, cuts the power after a random moment
// (perhaps after it finished), and returns whether it had finished.
func cutAfter(t *testing.T, o *powerCut, rng *rand.Rand, maxDelay time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var finished bool
	select {
	case err := <-done:
		finished = err == nil
	case <-time.After(time.Duration(rng.Int64N(int64(maxDelay)))):
		_ = cmd.Process.Kill()
		<-done
	}
	o.fs.Cut()
	o.count()
	return finished
}

// checkBoltFile opens a bbolt file read-only and runs its consistency
// check.
func checkBoltFile(t *testing.T, path string) {
	t.Helper()
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer b.Close()
	if err := b.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Fatalf("%s fails its check: %v", path, err)
	}
}

// newShopDisk makes a disk holding a shop with the test catalog and some
// sales, made on the disk itself.
func newShopDisk(t *testing.T) (disk, dir string, sales int) {
	t.Helper()
	disk = t.TempDir()
	dir = filepath.Join(disk, "data")
	tokens := enrolTills(t, dir)
	p := startServe(t, dir)
	c := newClient(p.URL)
	c.login(t, tokens[0], "crash", "2468")
	c.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(100000)}, nil, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		a := &attempt{key: fmt.Sprint(rng.Uint64()), body: randomSale(rng)}
		if !postSale(c, a, &crashLog{}) {
			t.Fatal("sale failed")
		}
	}
	p.stop(t)
	return disk, dir, 200
}

func salesIn(t *testing.T, dir string) int {
	t.Helper()
	db := openForCheck(t, dir)
	defer db.Close()
	return len(allSales(t, db))
}

func cutDuringBackup(t *testing.T, rng *rand.Rand) {
	disk, dir, n := newShopDisk(t)
	o := &powerCut{disk: disk}
	o.fs = powercut.Mount(t, disk)
	p := startServe(t, o.onMount(t, dir))
	out := filepath.Join(disk, "backups", "shop.db")
	if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binPath, "backup", "--data", o.onMount(t, dir), "--out", o.onMount(t, out))
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Duration(rng.Int64N(int64(30 * time.Millisecond))))
	p.kill()
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	o.fs.Cut()
	if _, err := os.Stat(out); err == nil {
		checkBoltFile(t, out)
	}
	checkBoltFile(t, filepath.Join(dir, bolt.FileName))
	if got := salesIn(t, dir); got != n {
		t.Fatalf("%d sales after a cut during a backup, want %d", got, n)
	}
}

func cutDuringCompact(t *testing.T, rng *rand.Rand) {
	disk, dir, n := newShopDisk(t)
	o := &powerCut{disk: disk}
	o.fs = powercut.Mount(t, disk)
	cutAfter(t, o, rng, 300*time.Millisecond, "compact", "--data", o.onMount(t, dir))
	checkBoltFile(t, filepath.Join(dir, bolt.FileName))
	if got := salesIn(t, dir); got != n {
		t.Fatalf("%d sales after a cut during compact, want %d", got, n)
	}
}

func cutDuringEnroll(t *testing.T, rng *rand.Rand) {
	disk := t.TempDir()
	pkiDir, out := filepath.Join(disk, "pki"), filepath.Join(disk, "identity")
	o := &powerCut{disk: disk}
	o.fs = powercut.Mount(t, disk)
	if !cutAfter(t, o, rng, 200*time.Millisecond, "central", "init", "--pki", o.onMount(t, pkiDir)) {
		if _, err := pki.LoadCentral(pkiDir); err == nil {
			t.Fatal("central init was cut, yet its PKI loads: it must have finished")
		}
		// Cut before it finished: it must be able to run again.
		if err := os.RemoveAll(pkiDir); err != nil {
			t.Fatal(err)
		}
		mustRun(t, "central", "init", "--pki", pkiDir)
	}
	if _, err := pki.LoadCentral(pkiDir); err != nil {
		t.Fatalf("after central init: %v", err)
	}
	o.fs = powercut.Mount(t, disk)
	if !cutAfter(t, o, rng, 200*time.Millisecond, "central", "enroll", "--pki", o.onMount(t, pkiDir), "--store", "s1", "--out", o.onMount(t, out)) {
		mustRun(t, "central", "enroll", "--pki", pkiDir, "--store", "s1", "--out", out) // a retry must work
	}
	id, err := pki.LoadIdentity(out)
	if err != nil {
		t.Fatalf("identity after a cut during enroll: %v", err)
	}
	keys, err := pki.NewRegistry(pkiDir).StoreKeys("s1")
	if err != nil || !hasKey(keys, id) {
		t.Fatalf("the identity's key is not registered: %v", err)
	}
}

func hasKey(keys []*ecdsa.PublicKey, id *pki.Identity) bool {
	for _, k := range keys {
		if k.Equal(&id.Key.PublicKey) {
			return true
		}
	}
	return false
}

func cutDuringImport(t *testing.T, rng *rand.Rand) {
	disk, dir, _ := newShopDisk(t)
	before := productCount(t, dir)
	csv := filepath.Join(t.TempDir(), "big.csv")
	writeBigCatalog(t, csv, 20000)
	o := &powerCut{disk: disk}
	o.fs = powercut.Mount(t, disk)
	cutAfter(t, o, rng, 2*time.Second, "catalog", "import", "--data", o.onMount(t, dir), csv)
	checkBoltFile(t, filepath.Join(dir, bolt.FileName))
	switch got := productCount(t, dir); got {
	case before:
		t.Log("the cut left the old catalog")
	case before + 20000:
		t.Log("the cut left the new catalog")
	default:
		t.Fatalf("%d products after a cut during an import: want %d (old) or %d (new)", got, before, before+20000)
	}
}

func cutDuringMigration(t *testing.T, rng *rand.Rand) {
	disk, dir, n := newShopDisk(t)
	downgrade(t, filepath.Join(dir, bolt.FileName))
	o := &powerCut{disk: disk}
	o.fs = powercut.Mount(t, disk)
	cutAfter(t, o, rng, 500*time.Millisecond, "serve", "--data", o.onMount(t, dir), "--listen", "127.0.0.1:0", "--metrics-listen", "")
	checkBoltFile(t, filepath.Join(dir, bolt.FileName))
	p := startServe(t, dir) // migrates now, if the cut came first
	p.stop(t)
	if got := salesIn(t, dir); got != n {
		t.Fatalf("%d sales after a cut during a migration, want %d", got, n)
	}
}

// downgrade makes a database look as schema 4 wrote it: the buckets of
// migrations 5 and 6 gone, an ack with no digest, the version at 4.
func downgrade(t *testing.T, path string) {
	t.Helper()
	b, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{"pin_failures", "anonymous_holds", "outbox_forked"} {
			if tx.Bucket([]byte(name)) != nil {
				if err := tx.DeleteBucket([]byte(name)); err != nil {
					return err
				}
			}
		}
		meta := tx.Bucket([]byte("meta"))
		epoch := meta.Get([]byte("epoch"))
		if err := meta.Put([]byte("last_ack_epoch"), epoch); err != nil {
			return err
		}
		if err := meta.Put([]byte("last_ack_seq"), []byte{0, 0, 0, 0, 0, 0, 0, 5}); err != nil {
			return err
		}
		_ = meta.Delete([]byte("ack_digest"))
		return meta.Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 4})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func productCount(t *testing.T, dir string) int {
	t.Helper()
	db := openForCheck(t, dir)
	defer db.Close()
	n := 0
	f := pos.ProductFilter{Limit: 1000}
	for {
		items, next, err := bolt.NewCatalogService(db).FindProducts(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		n += len(items)
		if next == "" {
			return n
		}
		f.Cursor = next
	}
}

func writeBigCatalog(t *testing.T, path string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("sku,name,price,stock\n")
	for i := range n {
		fmt.Fprintf(&b, "BIG-%06d,Товар %d,%d,10\n", i, i, 1000+i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// countReturns counts the returns in the database's outbox events.
func countReturns(t *testing.T, db *bolt.DB) (int, error) {
	t.Helper()
	_, returns := verifyOutbox(t, db, salesByID(t, db))
	return len(returns), nil
}

func salesByID(t *testing.T, db *bolt.DB) map[string]*pos.Sale {
	out := map[string]*pos.Sale{}
	for _, s := range allSales(t, db) {
		out[s.ID] = s
	}
	return out
}

// centralCount runs a count query on central's database.
func centralCount(t *testing.T, dbURL, sql string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// cutAfterProvision enrols a till and a cashier in a new data directory on
// the mount; once both commands have answered, a cut must keep them.
func cutAfterProvision(t *testing.T, rng *rand.Rand) {
	disk := t.TempDir()
	dir := filepath.Join(disk, "shop", "data")
	o := &powerCut{disk: disk}
	o.fs = powercut.Mount(t, disk)
	token := strings.TrimSpace(mustRun(t, "terminal", "add", "--data", o.onMount(t, dir), "--name", "till-1"))
	mustRun(t, "cashier", "add", "--data", o.onMount(t, dir), "--name", "anna", "--pin", "1357")
	o.fs.Cut()
	o.count()
	p := startServe(t, dir)
	c := newClient(p.URL)
	c.login(t, token, "anna", "1357")
	p.stop(t)
}

// cutAfterDemoStart starts the demo shop on a new data directory on the
// mount; once it serves, a cut must keep the demo shop and the credentials
// it printed.
func cutAfterDemoStart(t *testing.T, rng *rand.Rand) {
	disk := t.TempDir()
	dir := filepath.Join(disk, "data")
	o := &powerCut{disk: disk}
	o.fs = powercut.Mount(t, disk)
	p := startServe(t, o.onMount(t, dir), "--demo")
	p.kill()
	o.fs.Cut()
	o.count()
	creds, err := os.ReadFile(filepath.Join(dir, "demo-credentials.txt"))
	if err != nil || !strings.Contains(string(creds), "ANNA_PIN=") {
		t.Fatalf("demo credentials after a cut: %q, %v", creds, err)
	}
	if got := productCount(t, dir); got == 0 {
		t.Fatal("the demo catalog is gone after a cut")
	}
}
