package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/huanxin/huanxin"
)

// MaxAttempts is how often a delivery is tried before it is given up.
const MaxAttempts = 5

// backoff is the wait after the n-th failed attempt.
func backoff(n int) time.Duration {
	return time.Duration(1<<min(2*(n-1), 10)) * time.Minute // 1, 4, 16, 64 minutes …
}

// Dispatcher turns pending messages into deliveries and sends them.
type Dispatcher struct {
	Store   Store
	Senders map[Channel]Sender
	// Now is the clock; nil means time.Now. Tests drive it.
	Now func() time.Time
	// DigestHour is the hour (Asia/Shanghai) at which daily digests go
	// out; 0 means 18:00.
	DigestHour int
	Log        *slog.Logger
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

// digestTime returns the last digest instant at or before now.
func (d *Dispatcher) digestTime(now time.Time) time.Time {
	h := d.DigestHour
	if h <= 0 || h > 23 {
		h = 18
	}
	l := now.In(huanxin.Shanghai)
	t := time.Date(l.Year(), l.Month(), l.Day(), h, 0, 0, 0, huanxin.Shanghai)
	if t.After(l) {
		t = t.AddDate(0, 0, -1)
	}
	return t.UTC()
}

// Tick dispatches pending messages and sends due deliveries once.
func (d *Dispatcher) Tick(ctx context.Context) error {
	if err := d.dispatch(ctx); err != nil {
		return err
	}
	return d.send(ctx)
}

// Run ticks every interval until ctx ends, logging failures.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := d.Tick(ctx); err != nil && ctx.Err() == nil && d.Log != nil {
			d.Log.Error("notify: dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *Dispatcher) dispatch(ctx context.Context) error {
	now := d.now()
	for {
		ms, err := d.Store.PendingMessages(ctx, now, d.digestTime(now), 500)
		if err != nil || len(ms) == 0 {
			return err
		}
		byUser := map[int64][]Message{}
		var order []int64
		for _, m := range ms {
			if _, ok := byUser[m.UserID]; !ok {
				order = append(order, m.UserID)
			}
			byUser[m.UserID] = append(byUser[m.UserID], m)
		}
		for _, u := range order {
			p, err := d.Store.Preferences(ctx, u)
			if err != nil {
				return err
			}
			var done []int64
			var ds []*Delivery
			for _, m := range byUser[u] {
				done = append(done, m.ID)
				if !p.Digest {
					ds = append(ds, deliveries(p, now, []Message{m})...)
				}
			}
			if p.Digest {
				ds = deliveries(p, now, byUser[u])
			}
			if err := d.Store.Dispatch(ctx, done, ds); err != nil {
				return err
			}
		}
		if len(ms) < 500 {
			return nil
		}
	}
}

// deliveries returns one delivery per chosen channel of the messages: the
// message itself, or a digest of several.
func deliveries(p Preferences, now time.Time, ms []Message) []*Delivery {
	title, body, link := ms[0].Title, ms[0].Body, ms[0].Link
	if len(ms) > 1 {
		title = fmt.Sprintf("您有 %d 条新消息 %d new messages", len(ms), len(ms))
		var b strings.Builder
		for i, m := range ms {
			fmt.Fprintf(&b, "%d. %s\n", i+1, m.Title)
		}
		body, link = strings.TrimSuffix(b.String(), "\n"), "/inbox"
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	var out []*Delivery
	for _, c := range Channels {
		if !p.On(c) {
			continue
		}
		dl := &Delivery{CityID: ms[0].CityID, UserID: p.UserID, Channel: c, To: p.Masked(c), Title: title, Body: body,
			Link: link, MessageIDs: ids, Status: StatusQueued, NextAttempt: p.NotBefore(now)}
		if dl.To == "" {
			noAddress(dl)
		}
		out = append(out, dl)
	}
	return out
}

// noAddress marks a delivery failed for want of an address: no attempt
// can help until the user gives one and an officer resends it.
func noAddress(d *Delivery) {
	d.Status, d.Reason = StatusFailed, ReasonNoAddress
	d.LastError = addressRules[d.Channel].required
}

func (d *Dispatcher) send(ctx context.Context) error {
	now := d.now()
	ds, err := d.Store.DueDeliveries(ctx, now, 500)
	if err != nil {
		return err
	}
	prefs := map[int64]Preferences{}
	for _, dl := range ds {
		p, ok := prefs[dl.UserID]
		if !ok {
			if p, err = d.Store.Preferences(ctx, dl.UserID); err != nil {
				return err
			}
			prefs[dl.UserID] = p
		}
		d.attempt(ctx, dl, p.Address(dl.Channel), now)
		if err := d.Store.SaveAttempt(ctx, dl); err != nil {
			return err
		}
	}
	return nil
}

// attempt sends a delivery to the address once and records the outcome
// on it: sent, queued for a retry after a backoff, or failed after
// MaxAttempts (at once without an address).
func (d *Dispatcher) attempt(ctx context.Context, dl *Delivery, to string, now time.Time) {
	if to == "" {
		noAddress(dl)
		return
	}
	s, ok := d.Senders[dl.Channel]
	dl.Attempts++
	var err error
	if ok {
		out := *dl
		out.To = to
		err = s.Send(ctx, out)
	}
	switch {
	case !ok:
		dl.LastError, dl.Reason = "本服务器未配置该渠道 no sender for channel "+string(dl.Channel), ReasonNoSender
	case err != nil:
		dl.LastError, dl.Reason = err.Error(), reasonOf(err)
	default:
		dl.Status, dl.SentAt, dl.LastError, dl.Reason = StatusSent, now, "", ""
		return
	}
	if dl.Attempts >= MaxAttempts {
		dl.Status = StatusFailed
	} else {
		dl.NextAttempt = now.Add(backoff(dl.Attempts))
	}
}

// Outbox is the sender of development and tests: it appends each delivery
// as a JSON line to <Dir>/<channel>.jsonl and calls no provider.
type Outbox struct {
	Channel Channel
	Dir     string
	mu      sync.Mutex
}

// Name returns the channel.
func (o *Outbox) Name() string { return string(o.Channel) }

// Send appends the delivery to the channel's file.
func (o *Outbox) Send(_ context.Context, d Delivery) error {
	b, err := json.Marshal(map[string]any{"id": d.ID, "city_id": d.CityID, "user_id": d.UserID, "channel": d.Channel,
		"to": d.To, "title": d.Title, "body": d.Body, "link": d.Link, "messages": d.MessageIDs, "attempt": d.Attempts})
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(o.Dir, string(o.Channel)+".jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Outboxes returns an Outbox per channel under dir.
func Outboxes(dir string) map[Channel]Sender {
	out := map[Channel]Sender{}
	for _, c := range Channels {
		out[c] = &Outbox{Channel: c, Dir: dir}
	}
	return out
}
