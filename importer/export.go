package importer

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"slices"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/sheet"
)

// view is what one exported row shows.
type view struct {
	j             *estate.Jurisdiction
	parent        string // the parent's code
	e             *estate.Estate
	comm          string // the estate's community code
	b             *estate.Building
	s             *estate.Stairwell
	p             *estate.Part
	o             *estate.Owner
	os            *estate.Ownership
	r             *estate.Resident
	bldNo, unitNo string
}

func (v *view) setPart(p *estate.Part) {
	if p == nil {
		p = &estate.Part{}
	}
	v.p, v.bldNo, v.unitNo = p, p.BuildingNo, p.StairwellNo
}

// exporter writes the rows of one export.
type exporter struct {
	s      *Service
	ctx    context.Context
	k      *kind
	w      sheet.Writer
	vals   []any
	n      int
	cities map[int64]int // rows by city
	codes  map[int64]string
}

// Export writes every record of a kind that the filtered, scoped list
// shows, as format "xlsx" or "csv", in the kind's template columns, so that
// the file can be imported again. For the kinds below estates, the estate
// fields of f (JurisdictionID, Code, Status, …) or its EstateID pick the
// estates, and its other fields the records in each. Exports of owners,
// ownerships, residents and dwellings hold personal data and are audited,
// one entry per city; phones are masked for roles that may not see them,
// and ID numbers always are (only their last four characters are kept),
// so that those exports cannot be imported again as they are. It returns
// the number of rows written.
func (s *Service) Export(ctx context.Context, kind string, f estate.Filter, format string, w io.Writer) (int, error) {
	k, err := kindNamed(kind)
	if err != nil {
		return 0, err
	}
	var sw sheet.Writer
	switch format {
	case "xlsx":
		sw, err = sheet.NewXLSXWriter(w, k.Template)
	case "csv":
		sw, err = sheet.NewCSVWriter(w, k.Template)
	default:
		return 0, huanxin.Errorf(huanxin.EINVALID, "不支持的导出格式“%s” unknown format", format)
	}
	if err != nil {
		return 0, err
	}
	x := &exporter{s: s, ctx: ctx, k: k, w: sw, cities: map[int64]int{}, codes: map[int64]string{}}
	err = x.run(f)
	if err == nil && k.pii {
		err = x.audit(format)
	}
	if cerr := sw.Close(); err == nil {
		err = cerr
	}
	return x.n, err
}

func (x *exporter) emit(v *view, city int64) error {
	x.vals = x.vals[:0]
	for _, c := range x.k.cols {
		x.vals = append(x.vals, c.get(v))
	}
	x.n++
	x.cities[city]++
	return x.w.Write(x.vals...)
}

// audit records the export of personal data in each city's ledger.
func (x *exporter) audit(format string) error {
	a := huanxin.ActorFromContext(x.ctx)
	for _, city := range slices.Sorted(maps.Keys(x.cities)) {
		detail, err := json.Marshal(map[string]any{"kind": x.k.Kind, "format": format, "rows": x.cities[city],
			"phones": a != nil && a.Role.SeesPersonalData()})
		if err != nil {
			return err
		}
		if err := x.s.DB.Audit(x.ctx, city, audit.ActionExport, x.k.Kind, 0, string(detail)); err != nil {
			return err
		}
	}
	return nil
}

// pages calls fn for every record of the list, a page of 1000 at a time.
func pages[T any](ctx context.Context, r *estate.Repo[T], f estate.Filter, fn func(*T) error) error {
	f.Offset, f.Limit = 0, 1000
	for {
		list, total, err := r.Find(ctx, f)
		if err != nil {
			return err
		}
		for _, v := range list {
			if err := fn(v); err != nil {
				return err
			}
		}
		if f.Offset += len(list); len(list) == 0 || f.Offset >= total {
			return nil
		}
	}
}

// code returns a jurisdiction's code, "" if the actor cannot see it.
func (x *exporter) code(id int64) string {
	if c, ok := x.codes[id]; ok || id == 0 {
		return c
	}
	if j, err := x.s.Register.Jurisdictions().Get(x.ctx, id); err == nil {
		x.codes[id] = j.Code
	} else {
		x.codes[id] = ""
	}
	return x.codes[id]
}

func (x *exporter) run(f estate.Filter) error {
	reg := x.s.Register
	switch x.k.Kind {
	case "jurisdictions":
		return pages(x.ctx, reg.Jurisdictions(), f, func(j *estate.Jurisdiction) error {
			x.codes[j.ID] = j.Code
			return x.emit(&view{j: j, parent: x.code(j.ParentID)}, j.CityID)
		})
	case "estates":
		return pages(x.ctx, reg.Estates(), f, func(e *estate.Estate) error {
			return x.emit(&view{e: e, comm: x.code(e.JurisdictionID)}, e.CityID)
		})
	case "owners":
		f.WithPII = true
		return pages(x.ctx, reg.Owners(), f, func(o *estate.Owner) error { return x.emit(&view{o: o}, o.CityID) })
	}
	if f.EstateID != nil {
		e, err := reg.Estates().Get(x.ctx, *f.EstateID)
		if err != nil {
			return err
		}
		return x.estate(e, f)
	}
	ef := estate.Filter{JurisdictionID: f.JurisdictionID, Code: f.Code, YearFrom: f.YearFrom, YearTo: f.YearTo,
		Status: f.Status, Management: f.Management}
	return pages(x.ctx, reg.Estates(), ef, func(e *estate.Estate) error { return x.estate(e, f) })
}

// estate writes the rows of one estate for the kinds below estates.
func (x *exporter) estate(e *estate.Estate, f estate.Filter) error {
	reg, ctx, v := x.s.Register, x.ctx, &view{e: e}
	all := estate.Filter{EstateID: &e.ID, WithPII: true}
	rf := estate.Filter{EstateID: &e.ID, BuildingID: f.BuildingID, StairwellID: f.StairwellID, PartID: f.PartID,
		OwnerID: f.OwnerID, Q: f.Q, WithPII: true}
	emit := func() error { return x.emit(v, e.CityID) }
	byID := func(list map[int64]*estate.Part) func(*estate.Part) error {
		return func(p *estate.Part) error { list[p.ID] = p; return nil }
	}
	parts, owners, ships := map[int64]*estate.Part{}, map[int64]*estate.Owner{}, map[int64][]*estate.Ownership{}
	var err error
	if x.k.has(lvOwner) {
		err = pages(ctx, reg.Owners(), all, func(o *estate.Owner) error { owners[o.ID] = o; return nil })
	}
	switch x.k.Kind {
	case "buildings":
		return pages(ctx, reg.Buildings(), rf, func(b *estate.Building) error { v.b, v.bldNo = b, b.No; return emit() })
	case "stairwells":
		nos := map[int64]string{}
		if err := pages(ctx, reg.Buildings(), all, func(b *estate.Building) error { nos[b.ID] = b.No; return nil }); err != nil {
			return err
		}
		return pages(ctx, reg.Stairwells(), rf, func(s *estate.Stairwell) error {
			v.s, v.bldNo, v.unitNo = s, nos[s.BuildingID], s.No
			return emit()
		})
	case "parts":
		return pages(ctx, reg.Parts(), rf, func(p *estate.Part) error { v.setPart(p); return emit() })
	case "ownerships":
		if err == nil {
			err = pages(ctx, reg.Parts(), all, byID(parts))
		}
		if err != nil {
			return err
		}
		return pages(ctx, reg.Ownerships(), rf, func(o *estate.Ownership) error {
			v.setPart(parts[o.PartID])
			v.os, v.o = o, owners[o.OwnerID]
			return emit()
		})
	case "residents":
		if err := pages(ctx, reg.Parts(), all, byID(parts)); err != nil {
			return err
		}
		return pages(ctx, reg.Residents(), rf, func(r *estate.Resident) error {
			v.setPart(parts[r.PartID])
			v.r = r
			return emit()
		})
	}
	// dwellings: each part with each of its owners, or alone
	if err == nil {
		err = pages(ctx, reg.Ownerships(), all, func(o *estate.Ownership) error {
			ships[o.PartID] = append(ships[o.PartID], o)
			return nil
		})
	}
	if err != nil {
		return err
	}
	return pages(ctx, reg.Parts(), rf, func(p *estate.Part) error {
		v.setPart(p)
		v.os, v.o = nil, nil
		if len(ships[p.ID]) == 0 {
			return emit()
		}
		for _, o := range ships[p.ID] {
			v.os, v.o = o, owners[o.OwnerID]
			if err := emit(); err != nil {
				return err
			}
		}
		return nil
	})
}
