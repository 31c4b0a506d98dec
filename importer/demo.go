package importer

import (
	"context"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/demo"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/store"
)

// demoKind writes every level; existing records take every column.
var demoKind = newKind("demo", "", -1, map[lv]store.Mode{lvEstate: upsert, lvBuilding: upsert, lvStairwell: upsert,
	lvPart: upsert, lvOwner: upsert, lvOwnership: upsert, lvResident: upsert}, false)

// LoadDemo writes a generated city to the register in one transaction,
// through the same bulk path as imports: its jurisdictions by code, then
// its estates and everything in them. Loading it again changes nothing. A
// resident named like an earlier one of the same dwelling is left out (the
// register tells residents of a dwelling apart by name). Only actors with an
// unlimited scope may load a city.
func (s *Service) LoadDemo(ctx context.Context, c *demo.City) error {
	a, err := editor(ctx)
	if err != nil {
		return err
	}
	if !a.Scope.All {
		return huanxin.Errorf(huanxin.EFORBIDDEN, "只有系统管理员可以载入演示城市 only admins load a demo city")
	}
	return s.DB.Bulk(ctx, func(b *store.Bulk) error {
		p := newPlan(ctx, s, a, demoKind)
		var city int64
		for _, j := range c.Jurisdictions {
			if code := c.ParentCode[j.Code]; code != "" {
				parent, err := b.Jurisdiction(code)
				if err != nil {
					return err
				} else if parent == nil {
					return huanxin.Errorf(huanxin.EINVALID, "演示城市缺少辖区 %s", code)
				}
				j.ParentID = parent.ID
			}
			if err := b.PutJurisdiction(&j); err != nil {
				return err
			}
			if j.Level == huanxin.LevelCity {
				city = j.ID
			}
		}
		est := map[string]int32{}
		for _, r := range c.Estates {
			comm, err := b.Jurisdiction(r.CommunityCode)
			if err != nil {
				return err
			} else if comm == nil {
				return huanxin.Errorf(huanxin.EINVALID, "演示城市缺少社区 %s", r.CommunityCode)
			}
			e := r.Estate
			e.JurisdictionID, e.CityID = comm.ID, comm.CityID
			est[e.Code] = p.estates.add(nkey{a: e.CityID, s: e.Code}, 0, e)
		}
		// part finds a part's position by its natural keys (-1 if unknown).
		part := func(code, bno, sno, room string) int64 {
			i, ok := est[code]
			if !ok {
				return -1
			}
			for _, k := range []struct {
				idx map[nkey]int32
				s   string
			}{{p.buildings.idx, bno}, {p.stairs.idx, sno}, {p.parts.idx, room}} {
				if i, ok = k.idx[nkey{a: int64(i), s: k.s}]; !ok {
					return -1
				}
			}
			return int64(i)
		}
		for _, r := range c.Buildings {
			p.buildings.add(nkey{a: int64(est[r.EstateCode]), s: r.No}, 0, r.Building)
		}
		for _, r := range c.Stairwells {
			p.stairs.add(nkey{a: int64(p.buildings.idx[nkey{a: int64(est[r.EstateCode]), s: r.BuildingNo}]), s: r.No}, 0, r.Stairwell)
		}
		for _, r := range c.Parts {
			bld := p.buildings.idx[nkey{a: int64(est[r.EstateCode]), s: r.BuildingNo}]
			p.parts.add(nkey{a: int64(p.stairs.idx[nkey{a: int64(bld), s: r.StairwellNo}]), s: r.Room}, 0, r.Part)
		}
		owners := map[string]int64{}
		for _, r := range c.Owners {
			o := r.Owner
			o.CityID, o.IDNumber = city, pii.NormalizeID(o.IDNumber)
			owners[r.Key] = int64(p.owners.add(nkey{a: city, s: o.IDNumber}, 0, o))
		}
		for _, r := range c.Ownerships {
			pt := part(r.EstateCode, r.BuildingNo, r.StairwellNo, r.Room)
			o, ok := owners[r.OwnerKey]
			if pt < 0 || !ok {
				return huanxin.Errorf(huanxin.EINVALID, "演示城市的产权关系无效 %+v", r)
			}
			p.ships.add(nkey{a: pt, b: o}, 0, estate.Ownership{Representative: r.Representative, ShareNum: r.ShareNum, ShareDen: r.ShareDen})
		}
		for _, r := range c.Residents {
			k := nkey{a: part(r.EstateCode, r.BuildingNo, r.StairwellNo, r.Room), s: r.Name}
			if _, dup := p.residents.idx[k]; !dup && k.a >= 0 {
				p.residents.add(k, 0, r.Resident)
			}
		}
		if err := p.write(b); err != nil {
			return err
		}
		_, err := auditBulk(b, &Result{Kind: "demo", File: "demo", Rows: len(c.Jurisdictions) + len(c.Estates) +
			len(c.Buildings) + len(c.Stairwells) + len(c.Parts) + len(c.Owners) + len(c.Ownerships) + len(c.Residents)})
		return err
	})
}
