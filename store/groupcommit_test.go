package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/pii"
)

// gcDB opens a fresh SQLite database (group commit on, the default) with a
// scratch table whose primary key refuses duplicates.
func gcDB(t *testing.T) *DB {
	t.Helper()
	keys, err := pii.New(bytes.Repeat([]byte("t"), 32))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "gc.db"), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if db.group == nil {
		t.Fatal("group commit is not on by default on SQLite")
	}
	if _, err := db.write.Exec("CREATE TABLE gc_t (k TEXT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	return db
}

func gcRows(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	rows, err := db.read.Query("SELECT k FROM gc_t")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out[k] = true
	}
	return out
}

// holdFirstBatch makes the first batch wait at BEGIN until n-1 more callers
// are queued, so that all n share one transaction; it records batch sizes.
func holdFirstBatch(t *testing.T, db *DB, n int) *[]int {
	var mu sync.Mutex
	var sizes []int
	var first atomic.Bool
	db.group.hook = func(stage string, k int) {
		switch stage {
		case "begin":
			if first.CompareAndSwap(false, true) {
				deadline := time.Now().Add(10 * time.Second)
				for len(db.group.reqs) < n-1 && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
			}
		case "commit":
			mu.Lock()
			sizes = append(sizes, k)
			mu.Unlock()
		}
	}
	return &sizes
}

// One caller's failure — a unique key refusing its row, an error it
// returns, a panic — undoes its own changes only; the others of the same
// shared transaction are committed, and each caller gets its own outcome.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	db := gcDB(t)
	ctx := context.Background()
	if err := db.WithTx(ctx, func(tx *Tx) error { _, err := tx.exec("INSERT INTO gc_t VALUES ('taken')"); return err }); err != nil {
		t.Fatal(err)
	}
	const n = 40
	sizes := holdFirstBatch(t, db, n)
	errMine := errors.New("refused by the caller")
	errs := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = db.WithTx(ctx, func(tx *Tx) error {
				if _, err := tx.exec("INSERT INTO gc_t VALUES (?)", fmt.Sprintf("a%d", i)); err != nil {
					return err
				}
				switch i % 4 {
				case 1: // a second row that the unique key refuses
					_, err := tx.exec("INSERT INTO gc_t VALUES ('taken')")
					return err
				case 2:
					return errMine
				case 3:
					if i == 3 {
						panic("boom")
					}
				}
				_, err := tx.exec("INSERT INTO gc_t VALUES (?)", fmt.Sprintf("b%d", i))
				return err
			})
		}()
	}
	wg.Wait()
	if len(*sizes) != 1 || (*sizes)[0] != n {
		t.Fatalf("batches %v, want one of %d", *sizes, n)
	}
	rows := gcRows(t, db)
	for i := range n {
		a, b := rows[fmt.Sprintf("a%d", i)], rows[fmt.Sprintf("b%d", i)]
		switch {
		case i == 3:
			if panics[i] != "boom" || a || b {
				t.Errorf("caller %d: panic %v, rows %v %v; want the panic and no rows", i, panics[i], a, b)
			}
		case i%4 == 1:
			if huanxin.ErrorCode(errs[i]) != huanxin.ECONFLICT || a || b {
				t.Errorf("caller %d: %v, rows %v %v; want ECONFLICT and no rows", i, errs[i], a, b)
			}
		case i%4 == 2:
			if !errors.Is(errs[i], errMine) || a || b {
				t.Errorf("caller %d: %v, rows %v %v; want its own error and no rows", i, errs[i], a, b)
			}
		default:
			if errs[i] != nil || panics[i] != nil || !a || !b {
				t.Errorf("caller %d: %v %v, rows %v %v; want both rows", i, errs[i], panics[i], a, b)
			}
		}
	}
}

// No caller is answered before the shared COMMIT has returned, and nothing
// of the batch is visible to readers before it.
func TestGroupCommitAcknowledgesAfterCommit(t *testing.T) {
	db := gcDB(t)
	ctx := context.Background()
	const n = 16
	var commitReached, committed atomic.Bool
	release := make(chan struct{})
	var first atomic.Bool
	db.group.hook = func(stage string, k int) {
		switch stage {
		case "begin":
			if first.CompareAndSwap(false, true) {
				for len(db.group.reqs) < n-1 {
					time.Sleep(time.Millisecond)
				}
			}
		case "commit":
			commitReached.Store(true)
			<-release
		case "committed":
			committed.Store(true)
		}
	}
	var answered atomic.Int64
	var early atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.WithTx(ctx, func(tx *Tx) error {
				_, err := tx.exec("INSERT INTO gc_t VALUES (?)", fmt.Sprintf("k%d", i))
				return err
			})
			if err != nil {
				t.Error(err)
			}
			if !committed.Load() {
				early.Add(1)
			}
			answered.Add(1)
		}()
	}
	for !commitReached.Load() {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // give an early answer the chance to show
	if k := answered.Load(); k != 0 {
		t.Fatalf("%d callers answered while COMMIT had not run", k)
	}
	if k := len(gcRows(t, db)); k != 0 {
		t.Fatalf("%d rows visible before COMMIT", k)
	}
	close(release)
	wg.Wait()
	if k := early.Load(); k != 0 {
		t.Fatalf("%d callers answered before COMMIT returned", k)
	}
	if k := len(gcRows(t, db)); k != n {
		t.Fatalf("%d rows after COMMIT, want %d", k, n)
	}
}

// When the shared transaction itself is lost (here a caller ends it behind
// the store's back), the whole batch fails and nobody is told it
// succeeded; the next batch works.
func TestGroupCommitLostTransactionFailsEveryone(t *testing.T) {
	db := gcDB(t)
	ctx := context.Background()
	const n = 8
	holdFirstBatch(t, db, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.WithTx(ctx, func(tx *Tx) error {
				if _, err := tx.exec("INSERT INTO gc_t VALUES (?)", fmt.Sprintf("k%d", i)); err != nil {
					return err
				}
				if i == 0 {
					_, err := tx.exec("ROLLBACK")
					return err
				}
				return nil
			})
		}()
	}
	wg.Wait()
	rows := gcRows(t, db)
	for i := range n {
		if rows[fmt.Sprintf("k%d", i)] && errs[i] != nil {
			t.Errorf("caller %d told %v but its row is stored", i, errs[i])
		}
		if !rows[fmt.Sprintf("k%d", i)] && errs[i] == nil {
			t.Errorf("caller %d told success but its row is missing", i)
		}
	}
	if errs[0] == nil {
		t.Error("the caller that lost the transaction was told success")
	}
	if err := db.WithTx(ctx, func(tx *Tx) error { _, err := tx.exec("INSERT INTO gc_t VALUES ('after')"); return err }); err != nil {
		t.Fatal(err)
	}
	if !gcRows(t, db)["after"] {
		t.Fatal("the next transaction was not stored")
	}
}

// A caller whose context ends before its turn gets the context's error and
// its work never runs; the batch goes on without it.
func TestGroupCommitCancelledBeforeTurn(t *testing.T) {
	db := gcDB(t)
	hold := make(chan struct{})
	var first atomic.Bool
	db.group.hook = func(stage string, k int) {
		if stage == "begin" && first.CompareAndSwap(false, true) {
			<-hold
		}
	}
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		done <- db.WithTx(ctx, func(tx *Tx) error { _, err := tx.exec("INSERT INTO gc_t VALUES ('first')"); return err })
	}()
	for !first.Load() {
		time.Sleep(time.Millisecond)
	}
	cctx, cancel := context.WithCancel(ctx)
	ran := atomic.Bool{}
	cdone := make(chan error, 1)
	go func() {
		cdone <- db.WithTx(cctx, func(tx *Tx) error { ran.Store(true); return nil })
	}()
	for len(db.group.reqs) < 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-cdone; !errors.Is(err, context.Canceled) || ran.Load() {
		t.Fatalf("cancelled caller: %v, ran %v", err, ran.Load())
	}
	if !gcRows(t, db)["first"] {
		t.Fatal("the batch's other caller was not stored")
	}
}
