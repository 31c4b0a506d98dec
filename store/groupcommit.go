package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/huanxin/huanxin"
)

// Group commit (SQLite). With synchronous=FULL every COMMIT waits for an
// fsync of the write-ahead log; one fsync per write transaction caps the
// rate of durable writes. Concurrent write transactions are therefore run
// one after another inside one shared SQLite transaction and committed
// together, with one fsync:
//
//   - each caller's work runs between SAVEPOINT and RELEASE; when it
//     returns an error (a unique key refusing a second ballot, a failed
//     check) or panics, ROLLBACK TO undoes only its own changes, and only
//     that caller gets the error;
//   - every caller is answered only after the shared COMMIT has returned
//     (or failed: then all callers of the batch get the error, and nothing
//     of the batch is stored);
//   - the work still runs in the caller's goroutine (the batch's runner
//     hands it the transaction and waits), so panics and stack traces stay
//     the caller's;
//   - a batch takes whoever is waiting when it starts and who arrives while
//     it runs, up to groupMax; nobody waits for company: a lone writer is
//     committed at once, exactly as without group commit.
//
// The work runs under its caller's values but not its cancellation: an
// interrupted statement could roll back the shared transaction. A caller
// whose context is done before its turn is answered with that error and
// its work never runs.
type groupCommit struct {
	db      *DB
	reqs    chan *gcMember
	quit    chan struct{}
	once    sync.Once // closes quit
	started sync.Once // starts the runner on first use
	wg      sync.WaitGroup

	// hook, if set (tests), is called by the runner with "begin",
	// "commit" (before COMMIT, with the batch size) and "committed".
	hook func(stage string, n int)
}

// groupMax bounds a batch, so that the first caller of a long batch is not
// kept waiting for the others indefinitely.
const groupMax = 256

type gcMember struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	turn chan *sql.Tx // the runner hands over the transaction
	ran  chan error   // the caller reports fn's result
	done chan error   // the runner reports the outcome, after COMMIT
	err  error
}

var errPanicked = errors.New("store: the transaction's function panicked")

func newGroupCommit(db *DB) *groupCommit {
	return &groupCommit{db: db, reqs: make(chan *gcMember, groupMax), quit: make(chan struct{})}
}

// SetGroupCommit switches group commit of write transactions on or off
// (SQLite only; PostgreSQL has its own and many connections). It is on by
// default on SQLite. Call it before writing, not concurrently with writes.
func (db *DB) SetGroupCommit(on bool) {
	if db.Dialect != SQLite {
		return
	}
	if on && db.group == nil {
		db.group = newGroupCommit(db)
	} else if !on && db.group != nil {
		db.group.stop()
		db.group = nil
	}
}

// SetSynchronousNormal switches SQLite's write connection to
// synchronous=NORMAL: commits are no longer fsynced, so a power cut can lose
// the last acknowledged ones. For benchmarks that measure what durability
// costs; never used by the application.
func (db *DB) SetSynchronousNormal(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	_, err := db.write.ExecContext(ctx, "PRAGMA synchronous=NORMAL")
	return err
}

func (g *groupCommit) stop() {
	g.once.Do(func() { close(g.quit) })
	g.wg.Wait()
}

// start runs the batch runner; it is started on first use.
func (g *groupCommit) start() {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		for {
			select {
			case m := <-g.reqs:
				g.batch(m)
			case <-g.quit:
				// Answer whoever is still queued.
				for {
					select {
					case m := <-g.reqs:
						m.done <- huanxin.Errorf(huanxin.EUNAVAILABLE, "数据库已关闭 the database is closed")
					default:
						return
					}
				}
			}
		}
	}()
}

// run is WithTx under group commit.
func (g *groupCommit) run(ctx context.Context, fn func(tx *Tx) error) error {
	m := &gcMember{ctx: ctx, fn: fn, turn: make(chan *sql.Tx, 1), ran: make(chan error, 1), done: make(chan error, 1)}
	g.started.Do(g.start)
	select {
	case g.reqs <- m:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.quit:
		return huanxin.Errorf(huanxin.EUNAVAILABLE, "数据库已关闭 the database is closed")
	}
	for {
		select {
		case sqlTx := <-m.turn:
			m.work(g.db, sqlTx)
		case err := <-m.done:
			return err
		}
	}
}

// work runs the caller's function on the shared transaction in the
// caller's goroutine and reports the result; a panic is reported as an
// error (so that the runner rolls back to the savepoint) and then goes on.
func (m *gcMember) work(db *DB, sqlTx *sql.Tx) {
	reported := false
	defer func() {
		if !reported {
			m.ran <- errPanicked
		}
	}()
	actor := huanxin.ActorFromContext(m.ctx)
	if actor == nil {
		actor = huanxin.SystemActor
	}
	tx := &Tx{tx: sqlTx, db: db, ctx: context.WithoutCancel(m.ctx), now: db.Now().UTC().Truncate(time.Microsecond), actor: actor}
	err := m.fn(tx)
	reported = true
	m.ran <- err
}

// batch runs one shared transaction: first, then whoever is queued, up to
// groupMax; commits; answers everyone.
func (g *groupCommit) batch(first *gcMember) {
	ctx := context.Background()
	if g.hook != nil {
		g.hook("begin", 0)
	}
	sqlTx, err := g.db.write.BeginTx(ctx, nil)
	if err != nil {
		first.done <- mapErr(err)
		return
	}
	var members []*gcMember
	var abort error
	for m := first; m != nil; {
		members = append(members, m)
		if abort = g.member(ctx, sqlTx, m); abort != nil || len(members) >= groupMax {
			break
		}
		select {
		case m = <-g.reqs:
		default:
			m = nil
		}
	}
	if abort == nil {
		if g.hook != nil {
			g.hook("commit", len(members))
		}
		abort = sqlTx.Commit()
	} else {
		sqlTx.Rollback()
	}
	if abort == nil {
		g.db.lists.invalidate()
		if g.hook != nil {
			g.hook("committed", len(members))
		}
	}
	for _, m := range members {
		switch {
		case m.err != nil:
			m.done <- mapErr(m.err)
		case abort != nil:
			m.done <- mapErr(abort)
		default:
			m.done <- nil
		}
	}
}

// member runs one caller's work inside a savepoint. It returns an error
// only when the shared transaction can no longer be trusted (a savepoint
// command failed: the engine rolled the transaction back), which aborts
// the batch; the caller's own error is kept in m.err.
func (g *groupCommit) member(ctx context.Context, sqlTx *sql.Tx, m *gcMember) error {
	if err := m.ctx.Err(); err != nil {
		m.err = err
		return nil
	}
	if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT hx_member"); err != nil {
		m.err = err
		return err
	}
	m.turn <- sqlTx
	if m.err = <-m.ran; m.err != nil {
		if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO hx_member"); err != nil {
			return fmt.Errorf("store: group commit: %w", err)
		}
	}
	if _, err := sqlTx.ExecContext(ctx, "RELEASE hx_member"); err != nil {
		return fmt.Errorf("store: group commit: %w", err)
	}
	return nil
}
