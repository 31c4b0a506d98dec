package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// rec is a spreadsheet row by column key.
type rec map[string]any

// fixture is a register with a small tree: city 390100 with districts A
// (390102) and B (390103), a community in each, estate E1 in A and E2 in B.
type fixture struct {
	t     testing.TB
	db    *store.DB
	svc   *importer.Service
	admin context.Context
}

var treeRows = []rec{
	{"jur_code": "390000", "jur_name": "东海省", "level": "省"},
	{"jur_code": "390100", "jur_name": "临江市", "level": "市", "parent_code": "390000"},
	{"jur_code": "390102", "jur_name": "鼓楼区", "level": "区县", "parent_code": "390100"},
	{"jur_code": "390103", "jur_name": "江滨区", "level": "区县", "parent_code": "390100"},
	{"jur_code": "390102001", "jur_name": "钟楼街道", "level": "街道", "parent_code": "390102"},
	{"jur_code": "390103001", "jur_name": "望江街道", "level": "街道", "parent_code": "390103"},
	{"jur_code": "390102001001", "jur_name": "钟楼社区", "level": "社区", "parent_code": "390102001"},
	{"jur_code": "390103001001", "jur_name": "望江社区", "level": "社区", "parent_code": "390103001"},
}

var estateRows = []rec{
	{"estate_code": "E1", "estate_name": "纺织新村", "community_code": "390102001001", "address": "中山路1号", "year_built": 1985,
		"land_area": huanxin.Area(1200050), "management": "单位自管", "original_owner": "市纺织厂", "status": "已摸底",
		"lat": "30.272000", "lng": "120.168000", "notes": "房改房"},
	{"estate_code": "E2", "estate_name": "安居苑", "community_code": "390103001001", "year_built": 1992},
}

// emptyFixture is a fixture with an empty register.
func emptyFixture(t testing.TB, db *store.DB) *fixture {
	return &fixture{t: t, db: db, svc: &importer.Service{DB: db, Register: &estate.Service{Store: db}},
		admin: huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)}
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	f := emptyFixture(t, db)
	f.load(f.admin, "jurisdictions", "csv", treeRows...)
	f.load(f.admin, "estates", "csv", estateRows...)
	return f
}

// officer returns the context of a district officer of the district with
// the code.
func (f *fixture) officer(role huanxin.Role, code string) context.Context {
	js, _, err := f.db.FindJurisdictions(context.Background(), estate.Filter{Scope: huanxin.Scope{All: true}, Code: code})
	if err != nil || len(js) != 1 {
		f.t.Fatalf("jurisdiction %s: %v", code, err)
	}
	return huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 42, Name: "officer " + code,
		Role: role, Scope: huanxin.Scope{Paths: []string{js[0].Path}}})
}

// file writes rows of a kind as a "csv" or "xlsx" file.
func (f *fixture) file(kind, format string, rows ...rec) []byte {
	f.t.Helper()
	tpl, ok := f.svc.Template(kind)
	if !ok {
		f.t.Fatalf("no template %s", kind)
	}
	var buf bytes.Buffer
	newWriter := map[string]func(w *bytes.Buffer, t sheet.Template) (sheet.Writer, error){
		"csv":  func(w *bytes.Buffer, t sheet.Template) (sheet.Writer, error) { return sheet.NewCSVWriter(w, t) },
		"xlsx": func(w *bytes.Buffer, t sheet.Template) (sheet.Writer, error) { return sheet.NewXLSXWriter(w, t) },
	}[format]
	w, err := newWriter(&buf, tpl)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range rows {
		vals := make([]any, len(tpl.Columns))
		for i, c := range tpl.Columns {
			vals[i] = r[c.Key]
		}
		for k := range r {
			if !hasKey(tpl, k) {
				f.t.Fatalf("%s has no column %s", kind, k)
			}
		}
		if err := w.Write(vals...); err != nil {
			f.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.t.Fatal(err)
	}
	return buf.Bytes()
}

func hasKey(t sheet.Template, key string) bool {
	for _, c := range t.Columns {
		if c.Key == key {
			return true
		}
	}
	return false
}

// load imports rows, failing the test on error.
func (f *fixture) load(ctx context.Context, kind, format string, rows ...rec) *importer.Result {
	f.t.Helper()
	res, err := f.svc.Import(ctx, kind, bytes.NewReader(f.file(kind, format, rows...)), kind+"."+format, nil)
	if err != nil {
		f.t.Fatalf("import %s.%s: %v", kind, format, err)
	}
	return res
}

// fieldErrors returns the problems of an EINVALID error.
func fieldErrors(t testing.TB, err error) []huanxin.FieldError {
	t.Helper()
	var he *huanxin.Error
	if !errors.As(err, &he) || he.Code != huanxin.EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	return he.Fields
}

// counts returns the number of records of each level.
func (f *fixture) counts() map[string]int {
	f.t.Helper()
	ctx, all := context.Background(), estate.Filter{Scope: huanxin.Scope{All: true}, Limit: 1}
	out := map[string]int{}
	for name, find := range map[string]func() (int, error){
		"jurisdiction": func() (int, error) { _, n, err := f.db.FindJurisdictions(ctx, all); return n, err },
		"estate":       func() (int, error) { _, n, err := f.db.FindEstates(ctx, all); return n, err },
		"building":     func() (int, error) { _, n, err := f.db.FindBuildings(ctx, all); return n, err },
		"stairwell":    func() (int, error) { _, n, err := f.db.FindStairwells(ctx, all); return n, err },
		"part":         func() (int, error) { _, n, err := f.db.FindParts(ctx, all); return n, err },
		"owner":        func() (int, error) { _, n, err := f.db.FindOwners(ctx, all); return n, err },
		"ownership":    func() (int, error) { _, n, err := f.db.FindOwnerships(ctx, all); return n, err },
		"resident":     func() (int, error) { _, n, err := f.db.FindResidents(ctx, all); return n, err },
	} {
		n, err := find()
		if err != nil {
			f.t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

// idNumber returns a valid resident ID number for person k.
func idNumber(k int) string {
	body := fmt.Sprintf("390102%04d%02d%02d%03d", 1940+k/336%60, k%12+1, k/12%28+1, k/20160%1000)
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// badCheck changes the check character of an ID number.
func badCheck(id string) string {
	return id[:17] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(id, "0")]
}
