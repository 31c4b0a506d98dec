package audit

import (
	"context"
	"slices"

	"github.com/huanxin/huanxin"
)

// Store reads the ledger.
type Store interface {
	// FindAudit lists entries of the given cities' chains (nil: all).
	FindAudit(ctx context.Context, f Filter, cities []int64) ([]*Entry, int, error)
	VerifyAudit(ctx context.Context) (*Break, int64, error)
}

// Service lets admins, auditors and housing bureaus browse and verify the
// ledger: admins every chain, the others the chains of the cities in
// their scope.
type Service struct {
	Store Store
	// Cities returns the cities in the actor's scope.
	Cities func(ctx context.Context) ([]int64, error)
}

func (s *Service) cities(ctx context.Context) ([]int64, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	switch a.Role {
	case huanxin.RoleAdmin:
		return nil, nil
	case huanxin.RoleAuditor, huanxin.RoleBureau:
		c, err := s.Cities(ctx)
		if c == nil {
			c = []int64{}
		}
		return c, err
	}
	return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权查看审计日志 you may not view the audit ledger")
}

// Allowed returns EFORBIDDEN unless the actor may read the ledger.
func (s *Service) Allowed(ctx context.Context) error {
	_, err := s.cities(ctx)
	return err
}

// Find lists ledger entries visible to the actor, newest first.
func (s *Service) Find(ctx context.Context, f Filter) ([]*Entry, int, error) {
	cities, err := s.cities(ctx)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.FindAudit(ctx, f, cities)
}

// Verify recomputes every chain; it returns the first break or nil, and
// the number of entries checked. Verification covers every chain, but only
// admins, and others for the cities in their scope, learn where a break
// is: elsewhere the break comes back Hidden, with its reason only.
func (s *Service) Verify(ctx context.Context) (*Break, int64, error) {
	cities, err := s.cities(ctx)
	if err != nil {
		return nil, 0, err
	}
	b, n, err := s.Store.VerifyAudit(ctx)
	if b != nil && cities != nil && !slices.Contains(cities, b.CityID) {
		b = &Break{Hidden: true, Reason: b.Reason}
	}
	return b, n, err
}
