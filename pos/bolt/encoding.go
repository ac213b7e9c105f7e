package bolt

import (
	"encoding/json"
	"strconv"

	"go.etcd.io/bbolt"
)

func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	buf, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, buf)
}

// getJSON decodes the value at key into v; found is false when key is absent.
func getJSON(b *bbolt.Bucket, key []byte, v any) (found bool, err error) {
	buf := b.Get(key)
	if buf == nil {
		return false, nil
	}
	return true, json.Unmarshal(buf, v)
}

func itoa(i int) string { return strconv.Itoa(i) }
