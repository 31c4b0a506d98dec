package estate

import (
	"context"

	"github.com/huanxin/huanxin"
)

// Filter selects register records. Each finder uses the fields that apply
// to it; Scope is always applied.
type Filter struct {
	Scope huanxin.Scope

	ID             *int64
	ParentID       *int64 // jurisdictions: children of
	Level          *huanxin.Level
	JurisdictionID *int64 // estates: within this jurisdiction's subtree
	EstateID       *int64
	BuildingID     *int64
	StairwellID    *int64
	PartID         *int64
	OwnerID        *int64
	Code           string // exact natural key
	Q              string // substring of name or address
	YearFrom       *int
	YearTo         *int
	Status         *Status
	Management     *ManagementModel

	// WithPII fills full phone numbers (only for roles that may see them).
	WithPII bool

	Offset int
	Limit  int // default 50, at most 1000
}

// Store is what the register needs from storage. Finders return the page
// of records and the total number matching.
type Store interface {
	FindJurisdictions(ctx context.Context, f Filter) ([]*Jurisdiction, int, error)
	CreateJurisdiction(ctx context.Context, j *Jurisdiction) error
	UpdateJurisdiction(ctx context.Context, j *Jurisdiction) error

	FindEstates(ctx context.Context, f Filter) ([]*Estate, int, error)
	CreateEstate(ctx context.Context, e *Estate) error
	UpdateEstate(ctx context.Context, e *Estate) error

	FindBuildings(ctx context.Context, f Filter) ([]*Building, int, error)
	CreateBuilding(ctx context.Context, b *Building) error
	UpdateBuilding(ctx context.Context, b *Building) error

	FindStairwells(ctx context.Context, f Filter) ([]*Stairwell, int, error)
	CreateStairwell(ctx context.Context, s *Stairwell) error
	UpdateStairwell(ctx context.Context, s *Stairwell) error

	FindParts(ctx context.Context, f Filter) ([]*Part, int, error)
	CreatePart(ctx context.Context, p *Part) error
	UpdatePart(ctx context.Context, p *Part) error

	FindOwners(ctx context.Context, f Filter) ([]*Owner, int, error)
	CreateOwner(ctx context.Context, o *Owner) error
	UpdateOwner(ctx context.Context, o *Owner) error

	FindOwnerships(ctx context.Context, f Filter) ([]*Ownership, int, error)
	CreateOwnership(ctx context.Context, o *Ownership) error
	UpdateOwnership(ctx context.Context, o *Ownership) error

	FindResidents(ctx context.Context, f Filter) ([]*Resident, int, error)
	CreateResident(ctx context.Context, r *Resident) error
	UpdateResident(ctx context.Context, r *Resident) error
}

// Service enforces who may see and change what in the register: every
// query is limited to the actor's scope here, whatever the caller.
type Service struct {
	Store Store
}

// Entity names used in authorization and the audit ledger.
const (
	EntityJurisdiction = "jurisdiction"
	EntityEstate       = "estate"
	EntityBuilding     = "building"
	EntityStairwell    = "stairwell"
	EntityPart         = "part"
	EntityOwner        = "owner"
	EntityOwnership    = "ownership"
	EntityResident     = "resident"
)

// canRead reports whether a role may read an entity at all (scope aside).
// Contractors and utility companies see the buildings they work on, not
// the people in them.
func canRead(r huanxin.Role, entity string) bool {
	switch entity {
	case EntityOwner, EntityOwnership, EntityResident:
		return r != huanxin.RoleContractor && r != huanxin.RoleUtility
	case EntityJurisdiction:
		return r != huanxin.RoleResident
	}
	return true
}

// scoped prepares a filter for the actor: it applies the actor's scope and
// personal-data rights, and refuses roles that may not read the entity.
func scoped(ctx context.Context, entity string, f Filter) (Filter, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return f, err
	}
	if !canRead(a.Role, entity) {
		return f, huanxin.Errorf(huanxin.EFORBIDDEN, "无权查看 you may not view these records")
	}
	f.Scope = a.Scope
	f.WithPII = f.WithPII && a.Role.SeesPersonalData()
	return f, nil
}

// canWrite returns EFORBIDDEN unless the actor may change the register.
func canWrite(ctx context.Context) (*huanxin.Actor, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Role.CanEditRegister() || a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权修改 you may not change the register")
	}
	return a, nil
}

// outOfScope is the error for a write aimed at something the actor cannot
// see: forbidden, without saying whether it exists.
func outOfScope() error {
	return huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
}

// one returns the single record of a find by ID, or ENOTFOUND.
func one[T any](list []*T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "记录不存在或不在您的管辖范围 not found")
	}
	return list[0], nil
}

func drop[T any](list []*T, _ int, err error) ([]*T, error) { return list, err }

// Cities returns the IDs of the cities whose jurisdictions the actor sees.
// A scope node's city is found at the level of the node itself, so it
// looks level by level from the city down and stops at the first level
// that finds any.
func (s *Service) Cities(ctx context.Context) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, l := range huanxin.Levels[1:] {
		js, _, err := s.Jurisdictions().Find(ctx, Filter{Level: &l, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, j := range js {
			if !seen[j.CityID] {
				seen[j.CityID] = true
				out = append(out, j.CityID)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	// Bound to estates only: the cities of those estates.
	es, _, err := s.Estates().Find(ctx, Filter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if !seen[e.CityID] {
			seen[e.CityID] = true
			out = append(out, e.CityID)
		}
	}
	return out, nil
}

// CityWide returns the actor if it may change what a whole city shares —
// its rules, its catalogue, its categories: an administrator or a housing
// bureau whose jurisdiction covers the whole city, not through a
// read-only token. Others get EFORBIDDEN with refused, a bilingual
// sentence saying what they may not do; an unknown city is ENOTFOUND.
func (s *Service) CityWide(ctx context.Context, cityID int64, refused string) (*huanxin.Actor, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	city, err := s.Jurisdictions().Get(huanxin.NewContextWithActor(ctx, huanxin.SystemActor), cityID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND || err == nil && (city.Level != huanxin.LevelCity || city.CityID != cityID) {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "城市不存在 no such city")
	} else if err != nil {
		return nil, err
	}
	if a.ReadOnly || (a.Role != huanxin.RoleAdmin && a.Role != huanxin.RoleBureau) || !a.Scope.CoversPath(city.Path) {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "%s", refused)
	}
	return a, nil
}
