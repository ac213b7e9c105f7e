package powercut_test

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/storeedge/storeedge/sync/synctest/powercut"
)

// FuzzCut runs programs of writes, truncations, fsyncs, fdatasyncs,
// renames, unlinks, directory fsyncs and cuts (each followed by a new
// mount on the same disk) on the mount and on a model of what must
// survive. Before each cut the mount must show the model's current
// state; after it the disk must hold the model's durable state, no more
// and no less.
func FuzzCut(f *testing.F) {
	for seed := range 12 {
		f.Add(randomProgram(uint64(seed)))
	}
	// write a, fsync a, rename a over b, cut; then write b, syncdir, cut
	f.Add([]byte{0, 0, 9, 9, 1, 2, 0, 5, 0, 1, 8, 0, 1, 3, 3, 7, 4, 8})
	f.Fuzz(func(t *testing.T, prog []byte) {
		if testing.Short() {
			t.Skip("mounts a file system per input")
		}
		newModelRun(t).run(prog)
	})
}

func randomProgram(seed uint64) []byte {
	rnd := rand.New(rand.NewPCG(seed, 2))
	prog := make([]byte, 200+rnd.IntN(200))
	for i := range prog {
		prog[i] = byte(rnd.Uint32())
	}
	return prog
}

var modelNames = []string{"a", "b", "c", "d"}

// inode is a file of the model: what it holds now, and at its last fsync.
type inode struct{ cur, dur []byte }

// modelRun runs a program on a mount and on the model.
type modelRun struct {
	t    *testing.T
	disk string
	pc   *powercut.FS
	cur  map[string]*inode // the directory now
	dur  map[string]*inode // the directory at its last fsync
	prog []byte
}

func newModelRun(t *testing.T) *modelRun {
	disk := t.TempDir()
	return &modelRun{t: t, disk: disk, pc: powercut.Mount(t, disk), cur: map[string]*inode{}, dur: map[string]*inode{}}
}

// next consumes a byte of the program; ok is false at its end.
func (m *modelRun) next() (b int, ok bool) {
	if len(m.prog) == 0 {
		return 0, false
	}
	b, m.prog = int(m.prog[0]), m.prog[1:]
	return b, true
}

func (m *modelRun) run(prog []byte) {
	m.prog = prog
	for {
		op, ok1 := m.next()
		arg, ok2 := m.next()
		if !ok1 || !ok2 {
			break
		}
		m.step(op%9, modelNames[arg%len(modelNames)])
	}
	m.cut()
}

func (m *modelRun) step(op int, name string) {
	t, path, ino := m.t, filepath.Join(m.pc.Dir(), name), m.cur[name]
	switch {
	case op <= 1:
		off, _ := m.next()
		n, _ := m.next()
		data := bytes.Repeat([]byte{byte('a' + n%26)}, 1+n*23)
		if ino == nil {
			ino = &inode{}
			m.cur[name] = ino
		}
		ino.cur = resize(ino.cur, max(len(ino.cur), off*37+len(data)))
		copy(ino.cur[off*37:], data)
		writeAt(t, path, int64(off*37), string(data), noSync)
	case op == 2 && ino != nil:
		writeAt(t, path, 0, "", fsync)
		ino.dur = slices.Clone(ino.cur)
	case op == 3 && ino != nil:
		writeAt(t, path, 0, "", fdatasync)
		ino.dur = slices.Clone(ino.cur)
	case op == 4:
		syncDir(t, m.pc.Dir())
		m.dur = maps.Clone(m.cur)
	case op == 5 && ino != nil:
		to := modelNames[(slices.Index(modelNames, name)+1)%len(modelNames)]
		if err := os.Rename(path, filepath.Join(m.pc.Dir(), to)); err != nil {
			t.Fatal(err)
		}
		m.cur[to] = ino
		delete(m.cur, name)
	case op == 6 && ino != nil:
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		delete(m.cur, name)
	case op == 7 && ino != nil:
		size, _ := m.next()
		if err := os.Truncate(path, int64(size*53)); err != nil {
			t.Fatal(err)
		}
		ino.cur = resize(ino.cur, size*53)
	case op == 8:
		m.cut()
		m.pc = powercut.Mount(t, m.disk)
	}
}

// cut checks the mount against the model, cuts, and checks the disk
// against what the model says must have survived.
func (m *modelRun) cut() {
	m.t.Helper()
	m.check(m.pc.Dir(), m.cur, func(ino *inode) []byte { return ino.cur })
	m.pc.Cut()
	m.cur = maps.Clone(m.dur)
	for _, ino := range m.dur {
		ino.cur = slices.Clone(ino.dur)
	}
	m.check(m.disk, m.dur, func(ino *inode) []byte { return ino.dur })
}

func (m *modelRun) check(dir string, names map[string]*inode, content func(*inode) []byte) {
	m.t.Helper()
	wantNames(m.t, dir, slices.Collect(maps.Keys(names))...)
	for name, ino := range names {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			m.t.Fatal(err)
		}
		if want := content(ino); !bytes.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			m.t.Fatalf("%s: %d bytes, want %d; they differ from byte %d", filepath.Join(dir, name), len(got), len(want), i)
		}
	}
}
