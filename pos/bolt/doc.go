// Package bolt implements the pos services on a single bbolt file: the
// catalog, stock, sales, returns, shifts, staff and the transactional outbox
// of events for central.
//
// # Basics
//
// Every write that acknowledges something to a till (a sale, a return, a
// shift change) goes through one group-commit loop ([DB.update]): requests
// that arrive while a commit is being fsynced are committed together in the
// next transaction, so many tills share one fsync and a single till never
// waits for a timer. The business record, its stock change and its outgoing
// event (with the next storeseq) are written in the same transaction, so they
// reach the disk together or not at all.
//
// # Caveats
//
// A group's functions may run twice: if one of them fails, the whole
// transaction is rolled back and each function is run again on its own, so
// one bad request never fails its neighbours. Functions must therefore have
// no effects outside the transaction and must overwrite, not append to, the
// results they hand back.
//
// The outbox is always a contiguous range of sequence numbers: events are
// appended at the end and removed only from the front, when central's
// cumulative ack covers them.
//
// # Sync with central
//
// [OutboxService] hands the sync relay the events to send and trims them
// when central acks; a restored backup's pending events stay sendable
// under their old epoch (outbox_prev). [DownlinkService] applies what
// central sends down, item by item and only where the message's version is
// newer than the one that last set the item, so replays and late messages
// change nothing. [DB.Prune] deletes local copies central already has, and
// [Compact] gives the freed pages back to the file system, offline.
package bolt
