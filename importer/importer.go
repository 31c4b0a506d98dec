// Package importer loads the estate register from the spreadsheets housing
// officers already keep, and exports it in the same form.
//
// Each kind of spreadsheet (Kinds) has a template of Chinese columns (with
// English alternates). An import reads and checks every row first and
// reports every problem at once, naming sheet, row, column and field; only
// a file without problem is written, whole, in one transaction, matching
// records to stored ones by their natural keys (estate code, building,
// unit and room numbers, ID numbers), so that importing a file again
// updates instead of duplicating. Records are added and updated, never
// deleted. A file may only refer to estates and jurisdictions in the
// actor's scope, and each import leaves one entry in the audit ledger of
// every city it touched.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// Service imports and exports the register. Register is the scoped register
// service through which references are resolved and exports read; DB is the
// store it runs on, which imports write to in bulk.
type Service struct {
	DB       *store.DB
	Register *estate.Service
}

// Result tells what an import did.
type Result struct {
	Kind   string                 `json:"kind"`
	File   string                 `json:"file"`
	SHA256 string                 `json:"sha256"` // of the file as uploaded
	Rows   int                    `json:"rows"`   // data rows read
	Counts map[string]store.Count `json:"counts"` // by entity (estate.Entity… names)
}

// entityNames are the Chinese names of the entities a result counts, in
// register order.
var entityNames = [][2]string{{estate.EntityJurisdiction, "辖区"}, {estate.EntityEstate, "小区"},
	{estate.EntityBuilding, "楼栋"}, {estate.EntityStairwell, "单元"}, {estate.EntityPart, "房屋"},
	{estate.EntityOwner, "产权人"}, {estate.EntityOwnership, "产权关系"}, {estate.EntityResident, "住户"}}

// String summarizes a result for people, e.g. "读取 3 行；新增 房屋 2、产权人 2；
// 未变 楼栋 1".
func (r *Result) String() string {
	out := fmt.Sprintf("读取 %d 行", r.Rows)
	for _, what := range []struct {
		label string
		n     func(store.Count) int
	}{{"新增", func(c store.Count) int { return c.Created }}, {"更新", func(c store.Count) int { return c.Updated }},
		{"未变", func(c store.Count) int { return c.Unchanged }}} {
		var parts []string
		for _, e := range entityNames {
			if n := what.n(r.Counts[e[0]]); n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", e[1], n))
			}
		}
		if len(parts) > 0 {
			out += "；" + what.label + " " + strings.Join(parts, "、")
		}
	}
	return out
}

// Kinds lists the kinds of register spreadsheet in menu order.
func (s *Service) Kinds() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Kind
	}
	return out
}

// Template returns the template of a kind.
func (s *Service) Template(kind string) (sheet.Template, bool) {
	if k := kindOf(kind); k != nil {
		return k.Template, true
	}
	return sheet.Template{}, false
}

// WriteTemplate writes the blank xlsx template of a kind; lang "en" gives
// English headers.
func (s *Service) WriteTemplate(w io.Writer, kind, lang string) error {
	k, err := kindNamed(kind)
	if err != nil {
		return err
	}
	return sheet.WriteTemplate(w, k.Template, lang)
}

func kindNamed(name string) (*kind, error) {
	if k := kindOf(name); k != nil {
		return k, nil
	}
	return nil, huanxin.Errorf(huanxin.EINVALID, "未知的表格类型“%s” unknown kind", name)
}

// editor returns the actor if they may change the register.
func editor(ctx context.Context) (*huanxin.Actor, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	if !a.Role.CanEditRegister() || a.ReadOnly {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权修改 you may not change the register")
	}
	return a, nil
}

// Import reads a spreadsheet of the kind (xlsx or CSV, see sheet.Open) and
// writes it to the register. progress, if not nil, is told how many rows
// have been read, now and then while reading. A file with problems is an
// EINVALID *huanxin.Error listing them, and nothing is written.
func (s *Service) Import(ctx context.Context, kind string, r io.Reader, filename string, progress func(rowsRead int)) (*Result, error) {
	a, err := editor(ctx)
	if err != nil {
		return nil, err
	}
	k, err := kindNamed(kind)
	if err != nil {
		return nil, err
	}
	if k.leaf == lvJurisdiction && a.Role != huanxin.RoleAdmin && a.Role != huanxin.RoleBureau {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "只有管理员和住建局可以修改辖区 only admins and bureaus change jurisdictions")
	}
	if progress == nil {
		progress = func(int) {}
	}
	left, h := size(r), sha256.New()
	rd, err := sheet.Open(io.TeeReader(r, h), filename, k.Template)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	p := newPlan(ctx, s, a, k)
	p.errs.Sheet = rd.Sheet()
	p.reserve(int(min(left/128, 1<<21))) // about the rows of a CSV file; fewer for xlsx
	if k.has(lvOwner) && !k.has(lvEstate) {
		if p.ownerCity, err = s.scopeCity(ctx); err != nil {
			return nil, err
		}
	}
	for rd.Next() {
		if p.rows == 0 {
			p.start(rd.Row())
		}
		p.rows++
		p.parseRow(rd.Row())
		if p.fatal != nil {
			return nil, p.fatal
		}
		if p.rows%1000 == 0 {
			progress(p.rows)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if err := rd.Err(); err != nil {
		return nil, err
	}
	progress(p.rows)
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	if p.finish(); p.errs.Len() > 0 {
		return nil, p.errs.Err()
	}
	res := &Result{Kind: k.Kind, File: filepath.Base(filename), SHA256: hex.EncodeToString(h.Sum(nil)), Rows: p.rows}
	err = s.DB.Bulk(ctx, func(b *store.Bulk) error {
		if err := p.write(b); err != nil {
			return err
		}
		res.Counts, err = auditBulk(b, res)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// auditBulk adds one ledger entry per city that the bulk wrote to, and
// returns its counts summed over the cities.
func auditBulk(b *store.Bulk, res *Result) (map[string]store.Count, error) {
	total := map[string]store.Count{}
	counts := b.Counts()
	for _, city := range slices.Sorted(maps.Keys(counts)) {
		detail, err := json.Marshal(struct {
			*Result
			Counts map[string]store.Count `json:"counts"`
		}{res, counts[city]})
		if err != nil {
			return nil, err
		}
		if err := b.Audit(city, audit.ActionImport, res.Kind, nil, string(detail)); err != nil {
			return nil, err
		}
		for e, c := range counts[city] {
			t := total[e]
			t.Add(c)
			total[e] = t
		}
	}
	return total, nil
}

// size returns the number of bytes left in r if it tells, else 0.
func size(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case io.Seeker:
		at, err1 := r.Seek(0, io.SeekCurrent)
		end, err2 := r.Seek(0, io.SeekEnd)
		if _, err3 := r.Seek(at, io.SeekStart); err1 == nil && err2 == nil && err3 == nil {
			return end - at
		}
	}
	return 0
}

// scopeCity is the city of the actor's scope, where owners imported
// without dwellings are registered.
func (s *Service) scopeCity(ctx context.Context) (int64, error) {
	city := huanxin.LevelCity
	js, n, err := s.Register.Jurisdictions().Find(ctx, estate.Filter{Level: &city, Limit: 2})
	if err == nil && n == 0 {
		js, n, err = s.Register.Jurisdictions().Find(ctx, estate.Filter{Limit: 1})
		n = min(n, 1)
	}
	switch {
	case err != nil:
		return 0, err
	case n != 1 || js[0].CityID == 0:
		return 0, huanxin.Errorf(huanxin.EINVALID, "无法确定产权人所属的城市，请用房屋清册导入产权人 cannot tell the owners' city")
	}
	return js[0].CityID, nil
}
