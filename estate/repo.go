package estate

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/pii"
)

// Repo gives scoped, policy-checked access to one kind of register record.
// The eight kinds share this one implementation; what differs between them
// (which store calls, how a record is checked and tied to its parent) is in
// their kind descriptor.
type Repo[T any] struct {
	s *Service
	k *kind[T]
}

type kind[T any] struct {
	entity string
	find   func(Store, context.Context, Filter) ([]*T, int, error)
	create func(Store, context.Context, *T) error
	update func(Store, context.Context, *T) error
	id     func(*T) int64
	// prepare validates v and fills what it inherits from its parent (city,
	// estate, path); old is nil on create. It returns EFORBIDDEN when the
	// parent is outside the actor's scope.
	prepare func(ctx context.Context, s *Service, a *huanxin.Actor, v, old *T) error
}

// Entity returns the entity name of the repo's records.
func (r *Repo[T]) Entity() string { return r.k.entity }

// ID returns a record's ID.
func (r *Repo[T]) ID(v *T) int64 { return r.k.id(v) }

// Find lists records visible to the actor.
func (r *Repo[T]) Find(ctx context.Context, f Filter) ([]*T, int, error) {
	f, err := scoped(ctx, r.k.entity, f)
	if err != nil {
		return nil, 0, err
	}
	return r.k.find(r.s.Store, ctx, f)
}

// Get returns one record visible to the actor, or ENOTFOUND: a record out
// of scope is reported exactly as a missing one.
func (r *Repo[T]) Get(ctx context.Context, id int64) (*T, error) {
	return r.get(ctx, id, true)
}

func (r *Repo[T]) get(ctx context.Context, id int64, withPII bool) (*T, error) {
	return one(drop(r.Find(ctx, Filter{ID: &id, Limit: 1, WithPII: withPII})))
}

// Create validates and stores a new record.
func (r *Repo[T]) Create(ctx context.Context, v *T) error {
	a, err := canWrite(ctx)
	if err != nil {
		return err
	}
	if err := r.k.prepare(ctx, r.s, a, v, nil); err != nil {
		return err
	}
	return r.k.create(r.s.Store, ctx, v)
}

// Update loads the record, lets apply change it, restores what may not
// change (identity and parents), validates and stores it.
func (r *Repo[T]) Update(ctx context.Context, id int64, apply func(*T) error) (*T, error) {
	a, err := canWrite(ctx)
	if err != nil {
		return nil, err
	}
	old, err := r.get(ctx, id, true)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND && !a.Scope.All {
		return nil, outOfScope()
	} else if err != nil {
		return nil, err
	}
	v := new(T)
	*v = *old
	if err := apply(v); err != nil {
		return nil, err
	}
	if err := r.k.prepare(ctx, r.s, a, v, old); err != nil {
		return nil, err
	}
	if err := r.k.update(r.s.Store, ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// parent loads a parent record for a write: invisible parents are out of
// scope (EFORBIDDEN), so a write never reveals what exists elsewhere.
func parent[T any](ctx context.Context, r *Repo[T], id int64, field string) (*T, error) {
	if id == 0 {
		return nil, huanxin.Invalid("缺少上级记录 parent missing", huanxin.FieldError{Field: field, Message: "必填 required"})
	}
	p, err := r.get(ctx, id, false)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		a := huanxin.ActorFromContext(ctx)
		if a != nil && a.Scope.All {
			return nil, huanxin.Invalid("上级记录不存在 parent not found", huanxin.FieldError{Field: field, Message: "不存在 not found"})
		}
		return nil, outOfScope()
	}
	return p, err
}

// checker collects field problems of one record.
type checker struct{ fields []huanxin.FieldError }

func (c *checker) fail(field, msg string) {
	c.fields = append(c.fields, huanxin.FieldError{Field: field, Message: msg})
}

func (c *checker) text(field string, v *string, required bool, max int) {
	*v = strings.TrimSpace(*v)
	if *v == "" && required {
		c.fail(field, "必填 required")
	} else if utf8.RuneCountInString(*v) > max {
		c.fail(field, "过长 too long (max "+itoa(max)+")")
	}
}

func (c *checker) rng(field string, v, min, max int) {
	if v < min || v > max {
		c.fail(field, "应在 "+itoa(min)+"–"+itoa(max)+" 之间 out of range")
	}
}

func oneOf[S ~string](c *checker, field string, v *S, def S, all []S) {
	if *v == "" {
		*v = def
	}
	for _, x := range all {
		if *v == x {
			return
		}
	}
	c.fail(field, "取值无效 invalid value "+string(*v))
}

func (c *checker) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return huanxin.Invalid("输入有误 invalid input", c.fields...)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// checkPhone normalizes and validates an optional mobile number.
func (c *checker) phone(field string, p *string) {
	if strings.TrimSpace(*p) == "" {
		*p = ""
		return
	}
	*p = pii.NormalizePhone(*p)
	if !pii.ValidMobile(*p) && (len(*p) < 7 || len(*p) > 12) {
		c.fail(field, "电话号码格式不正确 invalid phone number")
	}
}

// maxYear is the latest acceptable year of construction.
func maxYear() int { return time.Now().In(huanxin.Shanghai).Year() + 1 }
