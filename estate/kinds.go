package estate

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/pii"
)

// Jurisdictions gives access to the jurisdiction tree. Only admins and
// housing bureaus change it, bureaus only below their own node.
func (s *Service) Jurisdictions() *Repo[Jurisdiction] {
	return &Repo[Jurisdiction]{s, jurisdictionKind}
}

// Estates gives access to estates.
func (s *Service) Estates() *Repo[Estate] { return &Repo[Estate]{s, estateKind} }

// Buildings gives access to buildings.
func (s *Service) Buildings() *Repo[Building] { return &Repo[Building]{s, buildingKind} }

// Stairwells gives access to stairwell units.
func (s *Service) Stairwells() *Repo[Stairwell] { return &Repo[Stairwell]{s, stairwellKind} }

// Parts gives access to exclusive parts.
func (s *Service) Parts() *Repo[Part] { return &Repo[Part]{s, partKind} }

// Owners gives access to owners.
func (s *Service) Owners() *Repo[Owner] { return &Repo[Owner]{s, ownerKind} }

// Ownerships gives access to ownerships.
func (s *Service) Ownerships() *Repo[Ownership] { return &Repo[Ownership]{s, ownershipKind} }

// Residents gives access to residents and tenants.
func (s *Service) Residents() *Repo[Resident] { return &Repo[Resident]{s, residentKind} }

// The kind descriptors are set in init: their checks refer back to the
// repos of their parents.
var (
	jurisdictionKind *kind[Jurisdiction]
	estateKind       *kind[Estate]
	buildingKind     *kind[Building]
	stairwellKind    *kind[Stairwell]
	partKind         *kind[Part]
	ownerKind        *kind[Owner]
	ownershipKind    *kind[Ownership]
	residentKind     *kind[Resident]
)

func init() {
	jurisdictionKind = &kind[Jurisdiction]{
		entity: EntityJurisdiction,
		find:   Store.FindJurisdictions, create: Store.CreateJurisdiction, update: Store.UpdateJurisdiction,
		id: func(j *Jurisdiction) int64 { return j.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, j, old *Jurisdiction) error {
			if a.Role != huanxin.RoleAdmin && a.Role != huanxin.RoleBureau {
				return huanxin.Errorf(huanxin.EFORBIDDEN, "只有管理员和住建局可以修改辖区 only admins and bureaus change jurisdictions")
			}
			var c checker
			c.text("name", &j.Name, true, 60)
			c.text("code", &j.Code, true, 20)
			if old != nil {
				j.ID, j.ParentID, j.Level, j.CityID, j.Path = old.ID, old.ParentID, old.Level, old.CityID, old.Path
				if old.Path == "" || !a.Scope.CoversPath(old.Path) || (!a.Scope.All && strings.Count(old.Path, "/") <= minDepth(a.Scope)) {
					return outOfScope()
				}
				return c.err()
			}
			d := j.Level.Depth()
			if d < 0 {
				c.fail("level", "层级无效 invalid level")
				return c.err()
			}
			if d == 0 {
				j.ParentID = 0
				if !a.Scope.All {
					return outOfScope()
				}
				return c.err()
			}
			p, err := parent(ctx, s.Jurisdictions(), j.ParentID, "parent_id")
			if err != nil {
				return err
			}
			if p.Level.Depth() != d-1 {
				c.fail("level", "层级须比上级低一级 must be one level below its parent ("+string(p.Level)+")")
			}
			j.CityID = p.CityID
			j.Path = p.Path // the store appends the new ID
			return c.err()
		},
	}
}

// minDepth is the number of path separators of an actor's shallowest scope
// node: a bureau may edit below its node but not the node itself.
func minDepth(s huanxin.Scope) int {
	m := 1 << 30
	for _, p := range s.Paths {
		if n := strings.Count(p, "/"); n < m {
			m = n
		}
	}
	return m
}

func init() {
	estateKind = &kind[Estate]{
		entity: EntityEstate,
		find:   Store.FindEstates, create: Store.CreateEstate, update: Store.UpdateEstate,
		id: func(e *Estate) int64 { return e.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, e, old *Estate) error {
			var c checker
			c.text("code", &e.Code, true, 40)
			c.text("name", &e.Name, true, 80)
			c.text("address", &e.Address, false, 200)
			c.text("original_owner", &e.OriginalOwner, false, 100)
			c.text("notes", &e.Notes, false, 2000)
			c.rng("year_built", e.YearBuilt, 1900, maxYear())
			oneOf(&c, "management", &e.Management, MgmtNone, ManagementModels)
			oneOf(&c, "status", &e.Status, StatusCandidate, Statuses)
			if e.LandArea < 0 {
				c.fail("land_area", "不能为负 must not be negative")
			}
			if e.Buildings < 0 || e.Dwellings < 0 {
				c.fail("dwellings", "不能为负 must not be negative")
			}
			if (e.Lat == nil) != (e.Lng == nil) {
				c.fail("lat_e6", "经纬度须同时填写 give both latitude and longitude")
			} else if e.Lat != nil && (*e.Lat < -90e6 || *e.Lat > 90e6 || *e.Lng < -180e6 || *e.Lng > 180e6) {
				c.fail("lat_e6", "经纬度超出范围 coordinates out of range")
			}
			if e.Boundary = strings.TrimSpace(e.Boundary); e.Boundary != "" {
				if _, err := ParseBoundary(e.Boundary); err != nil {
					c.fail("boundary", err.Error())
				}
			}
			if old != nil {
				e.ID, e.CityID, e.Created = old.ID, old.CityID, old.Created
				if e.JurisdictionID == old.JurisdictionID {
					return c.err()
				}
			}
			j, err := parent(ctx, s.Jurisdictions(), e.JurisdictionID, "jurisdiction_id")
			if err != nil {
				return err
			}
			if j.Level.Depth() < huanxin.LevelDistrict.Depth() {
				c.fail("jurisdiction_id", "小区须属于区县、街道或社区 an estate belongs to a district, street or community")
			}
			if old != nil && j.CityID != old.CityID {
				c.fail("jurisdiction_id", "不能移到其他城市 cannot move to another city")
			}
			e.CityID = j.CityID
			return c.err()
		},
	}
}

func init() {
	buildingKind = &kind[Building]{
		entity: EntityBuilding,
		find:   Store.FindBuildings, create: Store.CreateBuilding, update: Store.UpdateBuilding,
		id: func(b *Building) int64 { return b.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, b, old *Building) error {
			var c checker
			c.text("no", &b.No, true, 20)
			c.rng("floors", b.Floors, 0, 200)
			if b.Year != 0 {
				c.rng("year_built", b.Year, 1900, maxYear())
			}
			if old != nil {
				b.ID, b.CityID, b.EstateID, b.Created = old.ID, old.CityID, old.EstateID, old.Created
				return c.err()
			}
			e, err := parent(ctx, s.Estates(), b.EstateID, "estate_id")
			if err != nil {
				return err
			}
			b.CityID = e.CityID
			return c.err()
		},
	}
}

func init() {
	stairwellKind = &kind[Stairwell]{
		entity: EntityStairwell,
		find:   Store.FindStairwells, create: Store.CreateStairwell, update: Store.UpdateStairwell,
		id: func(w *Stairwell) int64 { return w.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, w, old *Stairwell) error {
			var c checker
			c.text("no", &w.No, true, 20)
			if old != nil {
				w.ID, w.CityID, w.EstateID, w.BuildingID, w.Created = old.ID, old.CityID, old.EstateID, old.BuildingID, old.Created
				return c.err()
			}
			b, err := parent(ctx, s.Buildings(), w.BuildingID, "building_id")
			if err != nil {
				return err
			}
			w.CityID, w.EstateID = b.CityID, b.EstateID
			return c.err()
		},
	}
}

// CheckPart validates the fields of an exclusive part that do not depend on
// other records; the importer uses it too.
func CheckPart(p *Part) []huanxin.FieldError {
	var c checker
	c.text("room", &p.Room, true, 20)
	c.rng("floor", p.Floor, -5, 200)
	oneOf(&c, "kind", &p.Kind, KindDwelling, []PartKind{KindDwelling, KindShop})
	oneOf(&c, "area_source", &p.AreaSource, SourceRegister, []AreaSource{SourceRegister, SourceSurveyed, SourceContract})
	if p.Area <= 0 || p.Area > 10_000_000 {
		c.fail("area", "面积须大于0 area must be positive (m², two decimals)")
	}
	return c.fields
}

func init() {
	partKind = &kind[Part]{
		entity: EntityPart,
		find:   Store.FindParts, create: Store.CreatePart, update: Store.UpdatePart,
		id: func(p *Part) int64 { return p.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, p, old *Part) error {
			c := checker{fields: CheckPart(p)}
			if old != nil {
				p.ID, p.CityID, p.EstateID, p.BuildingID, p.StairwellID, p.Created = old.ID, old.CityID, old.EstateID, old.BuildingID, old.StairwellID, old.Created
				return c.err()
			}
			w, err := parent(ctx, s.Stairwells(), p.StairwellID, "stairwell_id")
			if err != nil {
				return err
			}
			p.CityID, p.EstateID, p.BuildingID = w.CityID, w.EstateID, w.BuildingID
			return c.err()
		},
	}
}

// CheckOwner validates and normalizes an owner's own fields; the ID number
// is required when creating (it is the owner's natural key).
func CheckOwner(o *Owner, creating bool) []huanxin.FieldError {
	var c checker
	c.text("name", &o.Name, true, 100)
	oneOf(&c, "kind", &o.Kind, OwnerPerson, []OwnerKind{OwnerPerson, OwnerOrganisation})
	c.phone("phone", &o.Phone)
	o.IDNumber = pii.NormalizeID(o.IDNumber)
	switch {
	case o.IDNumber == "" && creating:
		c.fail("id_number", "必填：身份证号或统一社会信用代码 required: ID number or credit code")
	case o.IDNumber == "":
	case o.Kind == OwnerPerson && len(o.IDNumber) == 18 && !pii.ValidChineseID(o.IDNumber):
		c.fail("id_number", "身份证号校验位不正确 ID number check digit is wrong")
	case len(o.IDNumber) < 5 || len(o.IDNumber) > 30:
		c.fail("id_number", "证件号码长度不正确 ID number length is wrong")
	}
	return c.fields
}

func init() {
	ownerKind = &kind[Owner]{
		entity: EntityOwner,
		find:   Store.FindOwners, create: Store.CreateOwner, update: Store.UpdateOwner,
		id: func(o *Owner) int64 { return o.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, o, old *Owner) error {
			c := checker{fields: CheckOwner(o, old == nil)}
			if old != nil {
				o.ID, o.CityID, o.Created = old.ID, old.CityID, old.Created
				if o.IDNumber != "" {
					c.fail("id_number", "证件号码不可修改 the ID number cannot be changed; create a new owner")
				}
				return c.err()
			}
			if !a.Scope.All || o.CityID == 0 {
				o.CityID = scopeCity(ctx, s)
			}
			if o.CityID == 0 {
				c.fail("city_id", "请指定城市 give the city")
			}
			return c.err()
		},
	}
}

// scopeCity returns the city of the actor's scope (the first one, when
// the scope spans several), where owners they create are registered.
func scopeCity(ctx context.Context, s *Service) int64 {
	cities, err := s.Cities(ctx)
	if err != nil || len(cities) == 0 {
		return 0
	}
	return cities[0]
}

func init() {
	ownershipKind = &kind[Ownership]{
		entity: EntityOwnership,
		find:   Store.FindOwnerships, create: Store.CreateOwnership, update: Store.UpdateOwnership,
		id: func(o *Ownership) int64 { return o.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, o, old *Ownership) error {
			var c checker
			if o.ShareNum == 0 && o.ShareDen == 0 {
				o.ShareNum, o.ShareDen = 1, 1
			}
			if o.ShareNum <= 0 || o.ShareDen <= 0 || o.ShareNum > o.ShareDen {
				c.fail("share_num", "份额须为 0 到 1 之间的分数 share must be a fraction in (0, 1]")
			}
			if old != nil {
				o.ID, o.CityID, o.EstateID, o.PartID, o.OwnerID, o.Created = old.ID, old.CityID, old.EstateID, old.PartID, old.OwnerID, old.Created
				return c.err()
			}
			p, err := parent(ctx, s.Parts(), o.PartID, "part_id")
			if err != nil {
				return err
			}
			ow, err := parent(ctx, s.Owners(), o.OwnerID, "owner_id")
			if err != nil {
				return err
			}
			if ow.CityID != p.CityID {
				c.fail("owner_id", "业主与房屋不在同一城市 owner and dwelling are in different cities")
			}
			o.CityID, o.EstateID = p.CityID, p.EstateID
			return c.err()
		},
	}
}

func init() {
	residentKind = &kind[Resident]{
		entity: EntityResident,
		find:   Store.FindResidents, create: Store.CreateResident, update: Store.UpdateResident,
		id: func(r *Resident) int64 { return r.ID },
		prepare: func(ctx context.Context, s *Service, a *huanxin.Actor, r, old *Resident) error {
			var c checker
			c.text("name", &r.Name, true, 60)
			oneOf(&c, "kind", &r.Kind, ResidentFamily, []ResidentKind{ResidentFamily, ResidentTenant})
			c.phone("phone", &r.Phone)
			if r.BirthYear != 0 {
				c.rng("birth_year", r.BirthYear, 1900, maxYear())
			}
			if r.MovedIn != "" && (len(r.MovedIn) != 10 || r.MovedIn[4] != '-' || r.MovedIn[7] != '-') {
				c.fail("moved_in", "日期格式应为 YYYY-MM-DD")
			}
			if old != nil {
				r.ID, r.CityID, r.EstateID, r.PartID, r.Created = old.ID, old.CityID, old.EstateID, old.PartID, old.Created
				return c.err()
			}
			p, err := parent(ctx, s.Parts(), r.PartID, "part_id")
			if err != nil {
				return err
			}
			r.CityID, r.EstateID = p.CityID, p.EstateID
			return c.err()
		},
	}
}

// ParseBoundary parses an estate boundary given as a GeoJSON Polygon (or a
// Feature holding one) and returns its outer ring as [lng, lat] pairs.
func ParseBoundary(s string) ([][2]float64, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates [][][2]float64  `json:"coordinates"`
		Geometry    json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		return nil, huanxin.Errorf(huanxin.EINVALID, "边界不是有效的 GeoJSON boundary is not valid GeoJSON")
	}
	if g.Type == "Feature" && len(g.Geometry) > 0 {
		return ParseBoundary(string(g.Geometry))
	}
	if g.Type != "Polygon" || len(g.Coordinates) == 0 || len(g.Coordinates[0]) < 4 {
		return nil, huanxin.Errorf(huanxin.EINVALID, "边界须为至少4个点的多边形 boundary must be a GeoJSON Polygon with at least 4 positions")
	}
	ring := g.Coordinates[0]
	for _, p := range ring {
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return nil, huanxin.Errorf(huanxin.EINVALID, "边界坐标超出范围 boundary coordinates out of range")
		}
	}
	if ring[0] != ring[len(ring)-1] {
		return nil, huanxin.Errorf(huanxin.EINVALID, "边界多边形首尾点须相同 the boundary ring must be closed")
	}
	return ring, nil
}
