package bolt

import (
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

var (
	keyRestored       = []byte("restored")
	bucketOutboxPrev  = []byte("outbox_prev") // old epoch → (storeseq → event) not yet acked when the epoch ended
	keyPreviousEpochs = []byte("previous_epochs")
)

// MarkRestored flags a backup file so that the database it becomes, once
// put in place and opened, starts a new epoch: its sequence may then start
// again without central mistaking new events for ones it already has.
func MarkRestored(path string) error {
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		return fmt.Errorf("mark backup: %w", err)
	}
	err = b.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("mark backup: not a storeedge database")
		}
		return meta.Put(keyRestored, []byte("1"))
	})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	return err
}

// startEpochIfRestored begins a new epoch in a database restored from a
// backup. Events of the old epoch that were still pending move aside (they
// may or may not have reached central; they are resent under their own
// epoch), and the outbox sequence starts again at 1.
func startEpochIfRestored(tx *bbolt.Tx) (bool, error) {
	meta := tx.Bucket(bucketMeta)
	if string(meta.Get(keyRestored)) != "1" {
		return false, nil
	}
	if err := beginEpoch(tx, false); err != nil {
		return false, err
	}
	return true, meta.Delete(keyRestored)
}

// moveOutboxAside copies the outbox's events, if any, to outbox_prev/<epoch>
// (an empty outbox leaves no empty bucket behind).
func moveOutboxAside(tx *bbolt.Tx, epoch []byte) error {
	prev, err := tx.CreateBucketIfNotExists(bucketOutboxPrev)
	if err != nil {
		return err
	}
	outbox := tx.Bucket(bucketOutbox)
	if k, _ := outbox.Cursor().First(); k == nil {
		return nil
	}
	dst, err := prev.CreateBucketIfNotExists(epoch)
	if err != nil {
		return err
	}
	dst.FillPercent = 1.0
	return outbox.ForEach(func(k, v []byte) error { return dst.Put(k, v) })
}
