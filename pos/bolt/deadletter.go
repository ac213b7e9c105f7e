package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// Bounds on the dead letters kept, so a flood of bad messages cannot fill
// the disk: the newest MaxDeadLetters, each with at most
// MaxDeadLetterPayload bytes of its payload.
const (
	MaxDeadLetters       = 1000
	MaxDeadLetterPayload = 64 << 10
	maxDeadLetterReason  = 4 << 10
	maxDeadLetterTopic   = 1 << 10
)

// AddDeadLetter keeps a message that could not be applied, with the
// reason, and drops the oldest beyond MaxDeadLetters. It sets dl.Seq (and
// ReceivedAt when zero). Codes: validation_failed, storage_full.
func (s *DownlinkService) AddDeadLetter(ctx context.Context, dl *pos.DeadLetter) error {
	if dl == nil {
		return pos.FieldErrorf("dead_letter", "no dead letter")
	}
	rec := *dl
	if rec.ReceivedAt.IsZero() {
		rec.ReceivedAt = s.db.Now()
	}
	rec.ReceivedAt = rec.ReceivedAt.UTC()
	// Invalid bytes would each grow to a 3-byte U+FFFD in JSON: fold them first.
	rec.Payload = truncateUTF8(strings.ToValidUTF8(rec.Payload, "\uFFFD"), MaxDeadLetterPayload)
	rec.Reason = truncateUTF8(rec.Reason, maxDeadLetterReason)
	rec.Topic = truncateUTF8(rec.Topic, maxDeadLetterTopic)
	err := s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDeadLetters)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec.Seq = seq
		if err := putJSON(b, u64(seq), &rec); err != nil {
			return err
		}
		return trimDeadLetters(b)
	})
	if err != nil {
		return err
	}
	dl.Seq, dl.ReceivedAt = rec.Seq, rec.ReceivedAt
	return nil
}

// trimDeadLetters drops the oldest beyond MaxDeadLetters. Keys are
// sequences appended at the end and trimmed from the front, so the count
// is a subtraction.
func trimDeadLetters(b *bbolt.Bucket) error {
	c := b.Cursor()
	first, _ := c.First()
	last, _ := c.Last()
	if first == nil {
		return nil
	}
	lo, hi := binary.BigEndian.Uint64(first), binary.BigEndian.Uint64(last)
	if n := hi - lo + 1; n > MaxDeadLetters {
		_, err := trimFront(b, lo+n-MaxDeadLetters-1)
		return err
	}
	return nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for i := 0; i < utf8.UTFMax && len(s) > 0; i++ {
		if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size != 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// DeadLetters returns the newest dead letters, newest first: at most limit
// (100 when limit <= 0).
func (s *DownlinkService) DeadLetters(ctx context.Context, limit int) ([]pos.DeadLetter, error) {
	if limit <= 0 {
		limit = 100
	}
	out := []pos.DeadLetter{}
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDeadLetters)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var dl pos.DeadLetter
			if err := json.Unmarshal(v, &dl); err != nil {
				return err
			}
			out = append(out, dl)
		}
		return nil
	})
	return out, err
}
