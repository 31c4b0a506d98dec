package store

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// listCache remembers pages of lists (the total count and the page's
// records), the part of a request that scans and sorts every match and
// joins display names. Lookups by ID never use it. Every write transaction of this
// process bumps the generation, which empties the cache at once; entries
// also expire after listCacheTTL, which bounds how long a list can miss a
// change made by another application server sharing the database.
type listCache struct {
	// load makes concurrent misses of one key wait for a single query,
	// rather than all run it when an entry expires under load.
	load singleflight.Group
	gen  atomic.Uint64
	mu   sync.Mutex
	m    map[string]listEntry
	at   uint64 // the generation the map holds
}

type listEntry struct {
	n       int
	rows    any // []*T of the table
	expires time.Time
}

const (
	listCacheTTL = 2 * time.Second
	listCacheMax = 1024
)

// invalidate is called after every committed write.
func (c *listCache) invalidate() { c.gen.Add(1) }

// key identifies a query by its SQL and arguments.
func cacheKey(query string, args []any) string {
	var b strings.Builder
	b.WriteString(query)
	for _, a := range args {
		b.WriteByte(0)
		switch v := a.(type) {
		case string:
			b.WriteString(v)
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case int:
			b.WriteString(strconv.Itoa(v))
		default:
			b.WriteString(strings.ReplaceAll(strings.TrimSpace(fmtAny(v)), "\x00", ""))
		}
	}
	return b.String()
}

func (c *listCache) get(key string) (listEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != c.gen.Load() {
		return listEntry{}, false
	}
	e, ok := c.m[key]
	if !ok || time.Now().After(e.expires) {
		return listEntry{}, false
	}
	return e, true
}

func (c *listCache) put(key string, gen uint64, e listEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen.Load() {
		return // a write happened while the query ran
	}
	if c.at != gen || c.m == nil || len(c.m) >= listCacheMax {
		c.m, c.at = map[string]listEntry{}, gen
	}
	e.expires = time.Now().Add(listCacheTTL)
	c.m[key] = e
}

// cached serves a single record (a session, an actor) from the list cache:
// every request looks them up, and every write (a sign-out, a disabled
// account, a changed scope) empties the cache. Errors are not cached. The
// caller gets its own copy.
func cached[T any](db *DB, key string, load func() (*T, error)) (*T, error) {
	gen := db.lists.gen.Load()
	if e, ok := db.lists.get(key); ok {
		c := *e.rows.(*T)
		return &c, nil
	}
	r, err, _ := db.lists.load.Do(key, func() (any, error) {
		v, err := load()
		if err == nil {
			db.lists.put(key, gen, listEntry{rows: v})
		}
		return v, err
	})
	if err != nil {
		return nil, err
	}
	c := *r.(*T)
	return &c, nil
}
