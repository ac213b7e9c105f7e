package powercut

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// sweepDead detaches the power-cut mounts whose FUSE server died with its
// test process: a test binary killed by -timeout or SIGKILL runs no
// cleanup, and its mount would answer ENOTCONN until someone unmounts it.
// A live server never answers ENOTCONN, so no live mount is touched.
func sweepDead(tb testing.TB) {
	tb.Helper()
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	for line := range strings.SplitSeq(string(info), "\n") {
		mnt, ok := powercutMount(line)
		if !ok {
			continue
		}
		var st unix.Stat_t
		if err := unix.Stat(mnt, &st); err != unix.ENOTCONN {
			continue
		}
		if err := detachLazily(mnt); err != nil {
			tb.Logf("powercut: %s was left by a test process that died, and it would not detach: %v", mnt, err)
			continue
		}
		tb.Logf("powercut: detached %s, left by a test process that died", mnt)
	}
}

// powercutMount returns the mount point of a line of
// /proc/self/mountinfo if it is a power-cut mount.
func powercutMount(line string) (string, bool) {
	pre, post, ok := strings.Cut(line, " - ")
	fields := strings.Fields(pre)
	if !ok || !strings.HasPrefix(post, "fuse.powercut ") || len(fields) < 5 {
		return "", false
	}
	return unescapeOctal(fields[4]), true
}

// unescapeOctal undoes mountinfo's escapes (\040 for a space, and so on).
func unescapeOctal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func detachLazily(mnt string) error {
	if os.Geteuid() == 0 {
		return unix.Unmount(mnt, unix.MNT_DETACH)
	}
	return fusermount("-u", "-z", mnt)
}
