package importer

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// nkey is a record's natural key within a plan: the position of its parent
// in the level above (or, for owners, the city), and its number or name.
// Ownerships are keyed by the positions of their part and owner.
type nkey struct {
	a, b int64
	s    string
}

// level holds the records of one level of the register that a file (or a
// demo city) names, each once, in the order first named.
type level[T any] struct {
	lv     lv
	on     bool
	mode   store.Mode
	recs   []T
	keys   []nkey
	lines  []int32 // the row first naming each record
	idx    map[nkey]int32
	update []string // schema columns the file has, for Upsert
	keyCol string   // the column reported for a duplicate or missing record
	// noIndex is set for a level whose repeats are found otherwise
	// (ownerships: among the owners of each part).
	noIndex bool
	last    int32 // the record last found or added, 1-based: rows come grouped
	// fill sets the key fields of a new record and, if check, validates it.
	fill func(r *rowCtx, k nkey, v *T, check bool)
	same func(a, b *T) bool // for records named on several rows
	// missing says that a referenced record does not exist.
	missing func(p *plan, i int) string
}

func (l *level[T]) add(k nkey, line int, v T) int32 {
	i := int32(len(l.recs))
	if l.idx == nil && !l.noIndex {
		l.idx = map[nkey]int32{}
	}
	if !l.noIndex {
		l.idx[k] = i
	}
	l.recs, l.keys, l.lines = append(grow(l.recs), v), append(grow(l.keys), k), append(grow(l.lines), int32(line))
	return i
}

// grow doubles a full slice's capacity: append grows large slices by a
// quarter, copying a million records over and over.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	return append(make([]T, 0, max(64, 2*cap(s))), s...)
}

// jurRec is a jurisdiction row: the node and its parent's code.
type jurRec struct {
	estate.Jurisdiction
	parent string
}

// plan is what an import (or the demo loader) is to write, level by level,
// and the problems found on the way.
type plan struct {
	s     *Service
	ctx   context.Context
	actor *huanxin.Actor
	kind  *kind
	errs  *sheet.Errors
	row0  sheet.Row // a row of the file, to report problems found later by line
	rows  int
	fatal error // a failure that is not the file's fault

	jurs      level[jurRec]
	estates   level[estate.Estate]
	buildings level[estate.Building]
	stairs    level[estate.Stairwell]
	parts     level[estate.Part]
	owners    level[estate.Owner]
	ships     level[estate.Ownership]
	residents level[estate.Resident]

	estateCodes map[string]int32 // referenced estates by code; -1 if not found, -2 if ambiguous
	allEstates  bool             // estateCodes holds every estate in scope
	lookups     map[string]any   // scoped look-ups by the estates kind, by "kind:code"
	ownerCity   int64            // the city of the owners kind
	ownerless   map[int32]int32  // dwellings: parts named without an owner → row
	cur         rowCtx           // the row being read
}

func newPlan(ctx context.Context, s *Service, a *huanxin.Actor, k *kind) *plan {
	p := &plan{s: s, ctx: ctx, actor: a, kind: k, errs: &sheet.Errors{}, estateCodes: map[string]int32{},
		lookups: map[string]any{}, ownerless: map[int32]int32{}}
	p.jurs = level[jurRec]{lv: lvJurisdiction, keyCol: "jur_code", fill: fillJurisdiction}
	p.estates = level[estate.Estate]{lv: lvEstate, keyCol: "estate_code", fill: checkEstate}
	p.buildings = level[estate.Building]{lv: lvBuilding, keyCol: "building_no",
		fill: func(_ *rowCtx, k nkey, v *estate.Building, _ bool) { v.No = k.s },
		missing: func(p *plan, i int) string {
			return fmt.Sprintf("小区%s没有楼栋“%s”", p.estates.recs[p.buildings.keys[i].a].Code, p.buildings.recs[i].No)
		}}
	p.stairs = level[estate.Stairwell]{lv: lvStairwell, keyCol: "unit_no",
		fill: func(_ *rowCtx, k nkey, v *estate.Stairwell, _ bool) { v.No = k.s },
		missing: func(p *plan, i int) string {
			return fmt.Sprintf("%s号楼没有单元“%s”", p.buildings.recs[p.stairs.keys[i].a].No, p.stairs.recs[i].No)
		}}
	p.parts = level[estate.Part]{lv: lvPart, keyCol: "room", fill: checkPart,
		same: func(a, b *estate.Part) bool { return *a == *b },
		missing: func(p *plan, i int) string {
			return fmt.Sprintf("%s单元没有房号“%s”", p.stairs.recs[p.parts.keys[i].a].No, p.parts.recs[i].Room)
		}}
	p.owners = level[estate.Owner]{lv: lvOwner, keyCol: "id_number", fill: checkOwner,
		same: func(a, b *estate.Owner) bool { return a.Kind == b.Kind && a.Name == b.Name && a.Phone == b.Phone },
		missing: func(p *plan, i int) string {
			return fmt.Sprintf("尾号为%s的证件号码未登记为产权人，请先导入产权人", pii.Last4(p.owners.recs[i].IDNumber))
		}}
	p.ships = level[estate.Ownership]{lv: lvOwnership, keyCol: "id_number", noIndex: true}
	p.residents = level[estate.Resident]{lv: lvResident, keyCol: "resident_name", fill: checkResident}
	for l := range nLevels {
		if k.on[l] {
			p.level(l).enable(k.mode[l])
		}
	}
	return p
}

// anyLevel is what the plan does with a level whatever its records.
type anyLevel interface {
	enable(m store.Mode)
	reserve(n int)
	setUpdate(cols []string)
	dropIndex()
}

func (l *level[T]) enable(m store.Mode) { l.on, l.mode = true, m }
func (l *level[T]) reserve(n int) {
	if l.on && n > cap(l.recs) {
		l.recs, l.keys, l.lines = make([]T, 0, n), make([]nkey, 0, n), make([]int32, 0, n)
		if !l.noIndex {
			l.idx = make(map[nkey]int32, n)
		}
	}
}
func (l *level[T]) setUpdate(cols []string) { l.update = cols }
func (l *level[T]) dropIndex()              { l.idx = nil }

func (p *plan) level(l lv) anyLevel {
	return [...]anyLevel{&p.jurs, &p.estates, &p.buildings, &p.stairs, &p.parts, &p.owners, &p.ships, &p.residents}[l]
}

// reserve makes room for a file of about rows rows, sparing the copies of
// growing slices and maps of a million records.
func (p *plan) reserve(rows int) {
	for l := range nLevels {
		switch l {
		case lvPart, lvOwner, lvOwnership, lvResident:
			p.level(l).reserve(rows)
		case lvBuilding, lvStairwell:
			p.level(l).reserve(rows / 16)
		}
	}
}

// start takes note of the file's columns: an existing record is updated
// only in the columns the file has.
func (p *plan) start(row sheet.Row) {
	p.row0 = row
	update := make([][]string, nLevels)
	for l := range update {
		update[l] = []string{}
	}
	for _, c := range p.kind.cols {
		if c.db != "" && row.Has(c.Key) {
			update[c.lv] = append(update[c.lv], strings.Fields(c.db)...)
		}
	}
	for l := range nLevels {
		if l != lvEstate { // estates are merged with the stored ones
			p.level(l).setUpdate(update[l])
		}
	}
}

// failAt reports a problem found after reading, at a row of the file.
func (p *plan) failAt(line int32, key, format string, args ...any) {
	row := p.row0
	row.Line = int(line)
	p.errs.Add(row, key, format, args...)
}

// take reads the cells of level l's columns on a row into the record v (for
// levels the kind writes) and returns the record's position, adding it if
// k is new; -1 if the key could not be made (ok false: already reported).
// A record named again must be the same, unless it is the row's own
// record, which must not repeat.
func take[T any](r *rowCtx, l *level[T], k nkey, ok bool, v T) int32 {
	p := r.p
	n := p.errs.Len()
	if l.mode != store.Ref {
		for _, c := range p.kind.cols {
			if c.lv == l.lv && c.set != nil {
				c.set(r, &v)
			}
		}
	}
	if l.fill != nil {
		l.fill(r, k, &v, l.mode != store.Ref && p.errs.Len() == n)
	}
	if !ok {
		return -1
	}
	i, found := l.last-1, l.last > 0 && l.keys[l.last-1] == k
	if !found {
		i, found = l.idx[k]
	}
	l.last = i + 1
	switch {
	case !found || l.noIndex:
		i = l.add(k, r.row.Line, v)
		l.last = i + 1
		return i
	case p.kind.leaf == l.lv:
		r.fail(l.keyCol, "与第%d行重复", l.lines[i])
	case l.mode == store.Upsert && l.same != nil && p.errs.Len() == n && !l.same(&l.recs[i], &v):
		r.fail(l.keyCol, "与第%d行的记录不一致", l.lines[i])
	}
	return i
}

// parseRow reads one row of the file into the plan.
func (p *plan) parseRow(row sheet.Row) {
	r := &p.cur
	r.p, r.row = p, row
	k := p.kind
	if k.leaf == lvJurisdiction {
		code := r.str("jur_code", 20)
		take(r, &p.jurs, nkey{s: code}, code != "", jurRec{})
		return
	}
	est := int32(-1)
	if k.mode[lvEstate] == store.Ref && k.on[lvEstate] {
		est = p.estateRef(r)
	} else if k.on[lvEstate] {
		p.estateRow(r)
		return
	}
	part := int32(-1)
	if k.has(lvBuilding) {
		key, ok := r.key(est, "building_no", 20)
		bld := take(r, &p.buildings, key, ok, estate.Building{})
		key, ok = r.key(bld, "unit_no", 20)
		stair := take(r, &p.stairs, key, ok, estate.Stairwell{})
		key, ok = r.key(stair, "room", 20)
		if k.leaf == lvOwnership && k.mode[lvOwner] == store.Upsert && r.get("id_number") == "" {
			p.ownerlessRow(r, key, ok)
			return
		}
		if part = take(r, &p.parts, key, ok, estate.Part{}); part >= 0 {
			if line, dup := p.ownerless[part]; dup && k.leaf != lvPart {
				r.fail("room", "与第%d行重复：有产权人的房屋不能另有无产权人的行", line)
			}
		}
	}
	owner := int32(-1)
	if k.has(lvOwner) {
		city := p.ownerCity
		if est >= 0 {
			city = p.estates.recs[est].CityID
		}
		id := normID(r.str("id_number", 0))
		if strings.Contains(id, "*") {
			r.fail("id_number", "证件号码已打码：导出文件不含完整证件号码，请填写完整号码")
			id = ""
		}
		owner = take(r, &p.owners, nkey{a: city, s: id}, id != "" && city != 0, estate.Owner{})
	}
	if k.has(lvOwnership) {
		take(r, &p.ships, nkey{a: int64(part), b: int64(owner)}, part >= 0 && owner >= 0, estate.Ownership{})
	}
	if k.has(lvResident) {
		key, ok := r.key(part, "resident_name", 60)
		take(r, &p.residents, key, ok, estate.Resident{})
	}
}

// ownerlessRow reads a row of the dwellings kind that names no owner: the
// dwelling alone, on this one row.
func (p *plan) ownerlessRow(r *rowCtx, key nkey, ok bool) {
	for _, c := range []string{"owner_name", "owner_kind", "phone", "share", "representative"} {
		if r.get(c) != "" {
			r.fail("id_number", "填写了产权人信息，但缺少产权人证件号码")
			break
		}
	}
	if _, named := p.parts.idx[key]; named && ok {
		r.fail("room", "与第%d行重复", p.parts.lines[p.parts.idx[key]])
		return
	}
	if i := take(r, &p.parts, key, ok, estate.Part{}); i >= 0 {
		p.ownerless[i] = int32(r.row.Line)
	}
}

// estateRef resolves the estate code of a row in the actor's scope: code by
// code, or, once a file names many estates, all the scope's estates at once.
func (p *plan) estateRef(r *rowCtx) int32 {
	code := r.str("estate_code", 40)
	if code == "" {
		return -1
	}
	i, seen := p.estateCodes[code]
	if !seen && !p.allEstates && len(p.estateCodes) >= 100 {
		p.allEstates = true
		p.fatal = pages(p.ctx, p.s.Register.Estates(), estate.Filter{}, func(e *estate.Estate) error {
			if j, ok := p.estateCodes[e.Code]; !ok {
				p.estateCodes[e.Code] = p.estates.add(nkey{a: e.CityID, s: e.Code}, r.row.Line, *e)
			} else if j >= 0 && p.estates.recs[j].ID != e.ID {
				p.estateCodes[e.Code] = -2
			}
			return nil
		})
		i, seen = p.estateCodes[code]
	}
	if !seen {
		var list []*estate.Estate
		if !p.allEstates {
			var err error
			if list, _, err = p.s.Register.Estates().Find(p.ctx, estate.Filter{Code: code, Limit: 10}); err != nil {
				p.fatal = err
			}
		}
		switch i = -1; {
		case len(list) == 1:
			i = p.estates.add(nkey{a: list[0].CityID, s: code}, r.row.Line, *list[0])
		case len(list) > 1:
			i = -2
		}
		p.estateCodes[code] = i
	}
	switch i {
	case -1:
		r.fail("estate_code", "小区编码“%s”不存在或不在您的管辖范围", code)
	case -2:
		r.fail("estate_code", "小区编码“%s”在您管辖的多个城市中重复，无法确定是哪个小区", code)
	}
	return max(i, -1)
}

// estateRow reads a row of the estates kind: the estate, merged with the
// stored one of the same code if the actor's scope has it.
func (p *plan) estateRow(r *rowCtx) {
	code := r.str("estate_code", 40)
	comm := lookup(p, "j:", r.str("community_code", 20), func(f estate.Filter) ([]*estate.Jurisdiction, int, error) {
		return p.s.Register.Jurisdictions().Find(p.ctx, f)
	})
	v := estate.Estate{Management: estate.MgmtNone, Status: estate.StatusCandidate}
	var city int64
	switch {
	case r.get("community_code") == "":
	case len(comm) != 1:
		r.fail("community_code", "社区编码“%s”不存在或不在您的管辖范围", r.get("community_code"))
	case comm[0].Level.Depth() < huanxin.LevelDistrict.Depth():
		r.fail("community_code", "小区须属于区县、街道或社区，不能属于%s", label(levelLabels, comm[0].Level))
	default:
		city = comm[0].CityID
		v.JurisdictionID, v.CityID = comm[0].ID, city
		for _, e := range lookup(p, "e:", code, func(f estate.Filter) ([]*estate.Estate, int, error) {
			return p.s.Register.Estates().Find(p.ctx, f)
		}) {
			if e.CityID == city {
				v = *e
				v.JurisdictionID = comm[0].ID
			}
		}
	}
	v.Code = code
	take(r, &p.estates, nkey{a: city, s: code}, code != "" && city != 0, v)
}

// lookup finds records by code through the register, once per code.
func lookup[T any](p *plan, prefix, code string, find func(estate.Filter) ([]*T, int, error)) []*T {
	if code == "" {
		return nil
	}
	if v, ok := p.lookups[prefix+code]; ok {
		return v.([]*T)
	}
	list, _, err := find(estate.Filter{Code: code, Limit: 10})
	if err != nil {
		p.fatal = err
	}
	p.lookups[prefix+code] = list
	return list
}

// finish checks what only the whole file shows: the owners of each part.
func (p *plan) finish() {
	if p.ships.on && p.ships.mode == store.Upsert {
		p.checkCoOwners()
	}
	if p.buildings.mode == store.Ensure { // buildings made on the fly: as high as their parts
		for i, k := range p.parts.keys {
			b := &p.buildings.recs[p.stairs.keys[k.a].a]
			b.Floors = max(b.Floors, p.parts.recs[i].Floor)
		}
	}
}

// checkCoOwners checks the owners named for each part: a sole owner
// represents the part and holds all of it; co-owners have exactly one
// representative and shares (all given, or none for equal shares) that
// add up to one.
func (p *plan) checkCoOwners() {
	l := &p.ships
	first := slices.Repeat([]int32{-1}, len(p.parts.recs))
	next := make([]int32, len(l.recs))
	for i := len(l.recs) - 1; i >= 0; i-- {
		next[i], first[l.keys[i].a] = first[l.keys[i].a], int32(i)
	}
	for _, i0 := range first {
		if i0 < 0 {
			continue
		}
		dups := p.repeatedOwners(i0, next)
		n, reps, given, bad := -dups, 0, 0, dups > 0
		for i := i0; i >= 0; i = next[i] {
			n++
			reps += b2i(l.recs[i].Representative)
			given += b2i(l.recs[i].ShareDen != 0)
			bad = bad || l.recs[i].ShareDen < 0
		}
		line := l.lines[i0]
		if n == 1 {
			o := &l.recs[i0]
			o.Representative = true
			if o.ShareDen == 0 {
				o.ShareNum, o.ShareDen = 1, 1
			} else if o.ShareNum != o.ShareDen && !bad {
				p.failAt(line, "share", "只有一名产权人时份额应为100%%")
			}
			continue
		}
		if reps != 1 {
			p.failAt(line, "representative", "共有房屋须指定且只能指定一名代表，现有%d名（共%d名产权人）", reps, n)
		}
		switch sum := new(big.Rat); {
		case bad:
		case given == 0:
			for i := i0; i >= 0; i = next[i] {
				l.recs[i].ShareNum, l.recs[i].ShareDen = 1, int64(n)
			}
		case given < n:
			p.failAt(line, "share", "共有人的份额须全部填写，或全部不填表示均分")
		default:
			for i := i0; i >= 0; i = next[i] {
				sum.Add(sum, big.NewRat(l.recs[i].ShareNum, l.recs[i].ShareDen))
			}
			if sum.Cmp(big.NewRat(1, 1)) != 0 {
				p.failAt(line, "share", "共有人的份额之和应为1，现为%s", sum.RatString())
			}
		}
	}
}

// repeatedOwners reports owners named twice for one part, given the first
// of the part's ownerships and the links to the next, and counts them.
func (p *plan) repeatedOwners(i0 int32, next []int32) int {
	l, found := &p.ships, 0
	var seen map[int64]int32 // only for parts of many owners
	for i, k := i0, 0; i >= 0; i, k = next[i], k+1 {
		j := int32(-1)
		if k < 8 {
			for x := i0; x != i; x = next[x] {
				if l.keys[x].b == l.keys[i].b {
					j = x
				}
			}
		} else {
			if seen == nil {
				seen = map[int64]int32{}
				for x := i0; x != i; x = next[x] {
					seen[l.keys[x].b] = x
				}
			}
			if x, ok := seen[l.keys[i].b]; ok {
				j = x
			}
			seen[l.keys[i].b] = i
		}
		if j >= 0 {
			p.failAt(l.lines[i], "id_number", "与第%d行重复", l.lines[j])
			found++
		}
	}
	return found
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// write stores the plan, level by level, in the bulk's transaction. Levels
// only referred to are resolved first; if any reference is missing,
// nothing is written and the problems are returned.
func (p *plan) write(b *store.Bulk) error {
	if p.jurs.on {
		return p.writeJurisdictions(b)
	}
	for l := range nLevels { // the keys are known: less for the collector to scan while writing
		p.level(l).dropIndex()
	}
	if p.estates.on && p.estates.mode == store.Upsert && !p.actor.Scope.All {
		if err := p.claimEstateCodes(b); err != nil {
			return err
		}
	}
	steps := []func() error{
		func() error {
			return stage(p, &p.estates, b.Estates, func(i int, v *estate.Estate) bool { return true })
		},
		func() error {
			return stage(p, &p.buildings, b.Buildings, func(i int, v *estate.Building) bool {
				e := &p.estates.recs[p.buildings.keys[i].a]
				if v.Year == 0 && p.buildings.mode == store.Ensure {
					v.Year = e.YearBuilt
				}
				v.CityID, v.EstateID = e.CityID, e.ID
				return e.ID != 0
			})
		},
		func() error {
			return stage(p, &p.stairs, b.Stairwells, func(i int, v *estate.Stairwell) bool {
				bd := &p.buildings.recs[p.stairs.keys[i].a]
				v.CityID, v.EstateID, v.BuildingID = bd.CityID, bd.EstateID, bd.ID
				return bd.ID != 0
			})
		},
		func() error {
			return stage(p, &p.parts, b.Parts, func(i int, v *estate.Part) bool {
				s := &p.stairs.recs[p.parts.keys[i].a]
				v.CityID, v.EstateID, v.BuildingID, v.StairwellID = s.CityID, s.EstateID, s.BuildingID, s.ID
				return s.ID != 0
			})
		},
		func() error {
			return stage(p, &p.owners, b.Owners, func(i int, v *estate.Owner) bool { return true })
		},
		p.checkOwnersVisible(b),
		func() error {
			return stage(p, &p.ships, b.Ownerships, func(i int, v *estate.Ownership) bool {
				k := p.ships.keys[i]
				pt, o := &p.parts.recs[k.a], &p.owners.recs[k.b]
				v.CityID, v.EstateID, v.PartID, v.OwnerID = pt.CityID, pt.EstateID, pt.ID, o.ID
				return pt.ID != 0 && o.ID != 0
			})
		},
		func() error {
			return stage(p, &p.residents, b.Residents, func(i int, v *estate.Resident) bool {
				pt := &p.parts.recs[p.residents.keys[i].a]
				v.CityID, v.EstateID, v.PartID = pt.CityID, pt.EstateID, pt.ID
				return pt.ID != 0
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return p.errs.Err()
}

// stage resolves or writes one level: link sets each record's parents and
// reports whether they are known. Missing references are reported, once
// for each record whose parents are known; nothing is written once a
// problem has been found.
func stage[T any](p *plan, l *level[T], put func([]T, store.Mode, []string) ([]int, error), link func(i int, v *T) bool) error {
	if !l.on || len(l.recs) == 0 || l.lv == lvEstate && l.mode == store.Ref {
		return nil
	}
	if l.mode != store.Ref && p.errs.Len() > 0 {
		return p.errs.Err()
	}
	linked := make([]bool, len(l.recs))
	for i := range l.recs {
		linked[i] = link(i, &l.recs[i])
	}
	var update []string
	if l.lv != lvEstate {
		update = l.update
	}
	missing, err := put(l.recs, l.mode, update)
	for _, i := range missing {
		if linked[i] {
			p.failAt(l.lines[i], l.keyCol, "%s", l.missing(p, i))
		}
	}
	return err
}

// claimEstateCodes refuses new estates whose code an estate outside the
// actor's scope already has in the city.
func (p *plan) claimEstateCodes(b *store.Bulk) error {
	var fresh []estate.Estate
	var lines []int32
	for i, e := range p.estates.recs {
		if e.ID == 0 {
			fresh, lines = append(fresh, e), append(lines, p.estates.lines[i])
		}
	}
	missing, err := b.Estates(fresh, store.Ref, nil)
	for i := range fresh {
		if !slices.Contains(missing, i) {
			p.failAt(lines[i], "estate_code", "小区编码“%s”已被您管辖范围以外的小区使用", fresh[i].Code)
		}
	}
	return err
}

// checkOwnersVisible refuses, for the owners kind, to change owners the
// actor may not see (those holding parts only outside the scope). It runs
// after the owners are written, in the transaction that an error undoes.
func (p *plan) checkOwnersVisible(b *store.Bulk) func() error {
	return func() error {
		if p.kind.leaf != lvOwner || p.actor.Scope.All {
			return nil
		}
		ids := make([]int64, len(p.owners.recs))
		for i, o := range p.owners.recs {
			ids[i] = o.ID
		}
		ok, err := b.Visible(estate.EntityOwner, p.actor.Scope, ids)
		for i, id := range ids {
			if !ok[id] {
				p.failAt(p.owners.lines[i], "id_number", "尾号为%s的产权人不在您的管辖范围", p.owners.recs[i].IDLast4)
			}
		}
		if err == nil {
			err = p.errs.Err()
		}
		return err
	}
}

// writeJurisdictions checks the nodes of the jurisdictions kind against the
// tree, parents before children, then stores them.
func (p *plan) writeJurisdictions(b *store.Bulk) error {
	l := &p.jurs
	order := make([]int, len(l.recs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(l.recs[i].Level.Depth(), l.recs[j].Level.Depth()) })
	a := p.actor
	for _, i := range order {
		j, line := &l.recs[i], l.lines[i]
		old, err := b.Jurisdiction(j.Code)
		if err != nil {
			return err
		}
		var parent *estate.Jurisdiction // the stored parent
		if j.parent != "" {
			if parent, err = b.Jurisdiction(j.parent); err != nil {
				return err
			}
		}
		pi, inFile := l.idx[nkey{s: j.parent}]
		if j.parent != "" && parent == nil && !inFile {
			p.failAt(line, "parent_code", "上级编码“%s”不存在", j.parent)
			continue
		}
		if old != nil {
			switch {
			case old.Level != j.Level:
				p.failAt(line, "level", "已登记为%s，层级不能修改", label(levelLabels, old.Level))
			case j.parent != "" && (parent == nil || parent.ID != old.ParentID):
				p.failAt(line, "parent_code", "上级不能修改")
			case old.Name != j.Name && !a.Scope.All && (!a.Scope.CoversPath(old.Path) || strings.Count(old.Path, "/") <= minDepth(a.Scope)):
				p.failAt(line, "jur_code", "不在您的管辖范围，不能修改")
			}
			continue
		}
		parentLevel := huanxin.Level("")
		if parent != nil {
			parentLevel = parent.Level
		} else if inFile {
			parentLevel = l.recs[pi].Level
		}
		depth := j.Level.Depth()
		switch {
		case depth == 0 && !a.Scope.All:
			p.failAt(line, "level", "只有系统管理员可以新增省级辖区")
		case depth == 0 && j.parent != "":
			p.failAt(line, "parent_code", "省级辖区不填上级编码")
		case depth == 0:
		case j.parent == "":
			p.failAt(line, "parent_code", "必须填写")
		case parentLevel.Depth() != depth-1:
			p.failAt(line, "level", "须比上级低一级")
		case parent != nil && !a.Scope.CoversPath(parent.Path):
			p.failAt(line, "parent_code", "上级“%s”不在您的管辖范围", j.parent)
		}
	}
	if err := p.errs.Err(); err != nil {
		return err
	}
	for _, i := range order {
		j := &l.recs[i]
		old, _ := b.Jurisdiction(j.Code)
		if old != nil {
			j.ParentID = old.ParentID
		} else if j.parent != "" {
			parent, err := b.Jurisdiction(j.parent)
			if err != nil {
				return err
			}
			j.ParentID = parent.ID
		}
		if err := b.PutJurisdiction(&j.Jurisdiction); err != nil {
			return err
		}
	}
	return nil
}

// minDepth is the number of path separators of the actor's shallowest
// scope node: a bureau edits below its node, not the node itself.
func minDepth(s huanxin.Scope) int {
	m := 1 << 30
	for _, p := range s.Paths {
		m = min(m, strings.Count(p, "/"))
	}
	return m
}

// Record checks run once a record's cells have been read without problem.

func fillJurisdiction(r *rowCtx, k nkey, v *jurRec, check bool) {
	v.Code = k.s
	if check && v.Level.Depth() > 0 && v.parent == "" {
		r.fail("parent_code", "必须填写")
	}
}

func checkEstate(r *rowCtx, _ nkey, e *estate.Estate, check bool) {
	if check && (e.Lat == nil) != (e.Lng == nil) {
		r.fail(map[bool]string{true: "lat", false: "lng"}[e.Lat == nil], "经纬度须同时填写")
	}
}

func checkPart(r *rowCtx, k nkey, v *estate.Part, check bool) {
	v.Room = k.s
	if check {
		r.report(estate.CheckPart(v), k.s == "", "room", map[string]string{"kind": "part_kind"})
	}
}

func checkOwner(r *rowCtx, k nkey, v *estate.Owner, check bool) {
	v.IDNumber, v.CityID = k.s, k.a
	if check {
		r.report(estate.CheckOwner(v, true), k.s == "", "id_number", map[string]string{"name": "owner_name", "kind": "owner_kind"})
	}
}

func checkResident(_ *rowCtx, k nkey, v *estate.Resident, _ bool) { v.Name = k.s }
