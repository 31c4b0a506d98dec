package importer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/demo"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/importer"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

var (
	idA, idB, idC = idNumber(1), idNumber(2), idNumber(3)
	creditCode    = "91390100MA2AB3CD4X"
)

// kindSteps imports one small file of every kind, in dependency order,
// and what each must do on a register holding the fixture's tree.
var kindSteps = []struct {
	kind string
	rows []rec
	want map[string]store.Count
}{
	{"jurisdictions", treeRows, map[string]store.Count{"jurisdiction": {Unchanged: 8}}},
	{"estates", estateRows, map[string]store.Count{"estate": {Unchanged: 2}}},
	{"buildings", []rec{
		{"estate_code": "E1", "building_no": "1", "floors": 6, "building_year": 1985},
		{"estate_code": "E1", "building_no": "2"},
	}, map[string]store.Count{"building": {Created: 2}}},
	{"stairwells", []rec{
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "has_lift": "否"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "2", "has_lift": "是"},
		{"estate_code": "E1", "building_no": "2", "unit_no": "1"},
	}, map[string]store.Count{"stairwell": {Created: 3}}},
	{"parts", []rec{
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "101", "floor": 1, "area": huanxin.Area(6532)},
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "102", "floor": 1, "area": "70"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "2", "room": "201", "floor": 2, "area": "88.5",
			"part_kind": "商铺", "area_source": "测绘", "sold": "否", "delivered": "否"},
	}, map[string]store.Count{"part": {Created: 3}}},
	{"owners", []rec{
		{"id_number": idA, "owner_name": "张三", "phone": "138 1234 5678"},
		{"id_number": strings.ToLower(idC), "owner_name": "王五", "owner_kind": "个人"},
		{"id_number": creditCode, "owner_name": "临江商贸有限公司", "owner_kind": "单位"},
	}, map[string]store.Count{"owner": {Created: 3}}},
	{"ownerships", []rec{
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "101", "id_number": idA, "share": "1/2", "representative": "是"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "101", "id_number": idC, "share": "50%"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "102", "id_number": creditCode, "owner_name": "临江商贸"},
	}, map[string]store.Count{"ownership": {Created: 3}}},
	{"residents", []rec{
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "101", "resident_name": "李四", "birth_year": 1950,
			"disabled": "是", "resident_phone": "13912345678", "moved_in": "2015/6/1"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "101", "resident_name": "李小四", "resident_kind": "租户"},
	}, map[string]store.Count{"resident": {Created: 2}}},
	{"dwellings", []rec{
		{"estate_code": "E1", "building_no": "3", "unit_no": "1", "room": "301", "floor": 3, "area": "70.1", "id_number": idB,
			"owner_name": "赵六", "phone": "13700001111"},
		{"estate_code": "E1", "building_no": "3", "unit_no": "1", "room": "302", "floor": 3, "area": "71", "id_number": idB,
			"owner_name": "赵六", "phone": "13700001111", "share": "50%", "representative": "是"},
		{"estate_code": "E1", "building_no": "3", "unit_no": "1", "room": "302", "floor": 3, "area": "71", "id_number": idA,
			"owner_name": "张三", "phone": "13812345678", "share": "50%", "representative": "否"},
		{"estate_code": "E1", "building_no": "3", "unit_no": "1", "room": "303", "floor": 3, "area": "72"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "102", "floor": 1, "area": "70", "id_number": creditCode,
			"owner_name": "临江商贸有限公司", "owner_kind": "单位"},
	}, map[string]store.Count{"building": {Created: 1, Unchanged: 1}, "stairwell": {Created: 1, Unchanged: 1},
		"part": {Created: 3, Unchanged: 1}, "owner": {Created: 1, Unchanged: 2}, "ownership": {Created: 3, Unchanged: 1}}},
}

func TestImportEachKind(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		for _, format := range []string{"csv", "xlsx"} {
			if format == "xlsx" { // a second register
				db = testdb.Open(t, db.Dialect)
			}
			f := newFixture(t, db)
			for _, s := range kindSteps {
				res := f.load(f.admin, s.kind, format, s.rows...)
				if res.Rows != len(s.rows) || !maps.Equal(res.Counts, s.want) {
					t.Errorf("%s.%s: rows %d counts %v, want %d %v", s.kind, format, res.Rows, res.Counts, len(s.rows), s.want)
				}
			}
			f.checkStored()
		}
	})
}

// checkStored checks what the kindSteps wrote.
func (f *fixture) checkStored() {
	t, ctx, all := f.t, context.Background(), estate.Filter{Scope: huanxin.Scope{All: true}, WithPII: true, Limit: 100}
	want := map[string]int{"jurisdiction": 8, "estate": 2, "building": 3, "stairwell": 4, "part": 6, "owner": 4,
		"ownership": 6, "resident": 2}
	if got := f.counts(); !maps.Equal(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
	es, _, _ := f.db.FindEstates(ctx, estate.Filter{Scope: all.Scope, Code: "E1"})
	if e := es[0]; e.Name != "纺织新村" || e.Community != "钟楼社区" || e.LandArea != 1200050 || *e.Lat != 30272000 ||
		e.Management != estate.MgmtEmployer || e.Status != estate.StatusSurveyed || e.Notes != "房改房" {
		t.Errorf("estate E1 = %+v", e)
	}
	parts, _, _ := f.db.FindParts(ctx, all)
	byRoom := map[string]*estate.Part{}
	for _, p := range parts {
		byRoom[p.BuildingNo+"-"+p.Room] = p
	}
	if p := byRoom["1-201"]; p.Kind != estate.KindShop || p.AreaSource != estate.SourceSurveyed || p.Sold || p.Area != 8850 {
		t.Errorf("part 201 = %+v", p)
	}
	if p := byRoom["1-101"]; p.Kind != estate.KindDwelling || p.AreaSource != estate.SourceRegister || !p.Sold || p.Area != 6532 {
		t.Errorf("part 101 = %+v", p)
	}
	bs, _, _ := f.db.FindBuildings(ctx, all)
	for _, b := range bs {
		if b.No == "3" && (b.Floors != 3 || b.Year != 1985) || b.No == "1" && b.Floors != 6 {
			t.Errorf("building %+v", b)
		}
	}
	owners, _, _ := f.db.FindOwners(ctx, all)
	for _, o := range owners {
		switch o.Name {
		case "张三":
			if o.Phone != "13812345678" || o.IDLast4 != idA[14:] || o.Kind != estate.OwnerPerson {
				t.Errorf("owner %+v", o)
			}
		case "临江商贸有限公司":
			if o.Kind != estate.OwnerOrganisation || o.Phone != "" {
				t.Errorf("owner %+v", o)
			}
		}
	}
	ships, _, _ := f.db.FindOwnerships(ctx, all)
	for _, o := range ships {
		p := parts[slices.IndexFunc(parts, func(p *estate.Part) bool { return p.ID == o.PartID })]
		switch {
		case p.Room == "102" && (!o.Representative || o.ShareNum != 1 || o.ShareDen != 1),
			p.Room == "101" && (o.ShareNum != 1 || o.ShareDen != 2 || o.Representative != (o.OwnerName == "张三")),
			p.Room == "302" && (o.ShareDen != 2 || o.Representative != (o.OwnerName == "赵六")):
			t.Errorf("ownership of %s: %+v", p.Room, o)
		}
	}
	rs, _, _ := f.db.FindResidents(ctx, all)
	if r := rs[0]; r.Name != "李四" || r.MovedIn != "2015-06-01" || !r.Disabled || r.Phone != "13912345678" ||
		r.Kind != estate.ResidentFamily || rs[1].Kind != estate.ResidentTenant {
		t.Errorf("residents %+v %+v", rs[0], rs[1])
	}
}

func TestImportReportsEveryProblem(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		officer := f.officer(huanxin.RoleBureau, "390102")
		row := func(room string, more ...any) rec {
			r := rec{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": room, "floor": 1, "area": "60",
				"id_number": idA, "owner_name": "张三"}
			for i := 0; i < len(more); i += 2 {
				r[more[i].(string)] = more[i+1]
			}
			return r
		}
		rows := []rec{
			row("101"),                        // 2: fine
			row("102", "estate_code", "NOPE"), // 3
			row("103", "estate_code", "E2"),   // 4: out of scope
			row("104", "area", "abc"),         // 5
			row("105", "id_number", badCheck(idB), "owner_name", "钱七"), // 6
			row("101"),                        // 7: repeats row 2
			row("106", "representative", "否"), // 8: co-owned, no representative
			row("106", "id_number", idB, "owner_name", "赵六", "representative", "否"), // 9
			row("107", "share", "3/2"),         // 10
			row("", "floor", 2),                // 11: no room
			row("108", "phone", "138****5678"), // 12: masked
			row("101", "area", "61", "id_number", idC, "owner_name", "王五"), // 13: differs from row 2
			row("109", "floor", 999),                            // 14
			row("110", "id_number", "", "phone", "13800000000"), // 15: owner details, no ID
		}
		want := map[[2]any]string{ // row, column → message part
			{3, "A"}: "不存在或不在您的管辖范围", {4, "A"}: "不存在或不在您的管辖范围", {5, "G"}: "数字",
			{6, "K"}: "校验位", {7, "K"}: "与第2行重复", {8, "P"}: "代表", {10, "O"}: "份额",
			{2, "P"}: "现有0名（共2名产权人）", {11, "D"}: "必须填写", {12, "N"}: "打码", {13, "D"}: "与第2行的记录不一致", {14, "E"}: "-5 到 200", {15, "K"}: "缺少产权人证件号码",
		}
		before := f.counts()
		_, err := f.svc.Import(officer, "dwellings", bytes.NewReader(f.file("dwellings", "csv", rows...)), "dwellings.csv", nil)
		fields := fieldErrors(t, err)
		for _, fe := range fields {
			if fe.Sheet != "dwellings" || fe.Field == "" || fe.Column == "" {
				t.Errorf("incomplete problem %+v", fe)
			}
			if msg, ok := want[[2]any{fe.Row, fe.Column}]; ok && strings.Contains(fe.Message, msg) {
				delete(want, [2]any{fe.Row, fe.Column})
			}
		}
		for k, msg := range want {
			t.Errorf("row %v column %v: no problem %q among %v", k[0], k[1], msg, fields)
		}
		if len(fields) != 13 {
			t.Errorf("%d problems, want 13: %v", len(fields), fields)
		}
		if after := f.counts(); !maps.Equal(before, after) {
			t.Errorf("written despite problems: %v → %v", before, after)
		}
		// A missing reference is found in the transaction, which then writes nothing.
		_, err = f.svc.Import(f.admin, "parts", bytes.NewReader(f.file("parts", "xlsx",
			rec{"estate_code": "E1", "building_no": "9", "unit_no": "1", "room": "1", "floor": 1, "area": "50"})), "x.xlsx", nil)
		if fs := fieldErrors(t, err); len(fs) != 1 || fs[0].Sheet != "房屋" || fs[0].Row != 2 || fs[0].Column != "B" ||
			!strings.Contains(fs[0].Message, "没有楼栋“9”") {
			t.Errorf("missing building: %+v", fs)
		}
		if after := f.counts(); !maps.Equal(before, after) {
			t.Errorf("written despite problems: %v → %v", before, after)
		}
	})
}

// dwellingRows is a small dwellings file: a co-owned dwelling and an owner
// of two.
func dwellingRows() []rec {
	return []rec{
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "101", "floor": 1, "area": "60", "id_number": idA,
			"owner_name": "张三", "phone": "13812345678"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "102", "floor": 1, "area": "61", "id_number": idA,
			"owner_name": "张三", "phone": "13812345678", "representative": "是"},
		{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "102", "floor": 1, "area": "61", "id_number": idB,
			"owner_name": "赵六", "phone": "13700001111"},
		{"estate_code": "E2", "building_no": "5", "unit_no": "2", "room": "501", "floor": 5, "area": "90", "id_number": idC,
			"owner_name": "王五"},
	}
}

func TestReimportUpdatesByNaturalKey(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first := f.load(f.admin, "dwellings", "csv", dwellingRows()...)
		want := map[string]store.Count{"building": {Created: 2}, "stairwell": {Created: 2}, "part": {Created: 3},
			"owner": {Created: 3}, "ownership": {Created: 4}}
		if !maps.Equal(first.Counts, want) {
			t.Fatalf("first import %v", first.Counts)
		}
		counts := f.counts()
		again := f.load(f.admin, "dwellings", "xlsx", dwellingRows()...)
		for e, c := range again.Counts {
			if c.Created != 0 || c.Updated != 0 || c.Unchanged != want[e].Created {
				t.Errorf("re-import %s: %+v", e, c)
			}
		}
		rows := dwellingRows()
		rows[0]["area"], rows[0]["phone"] = "60.5", "13812340000"
		rows[1]["phone"] = "13812340000"
		changed := f.load(f.admin, "dwellings", "csv", rows...)
		if c := changed.Counts; c["part"] != (store.Count{Updated: 1, Unchanged: 2}) || c["owner"] != (store.Count{Updated: 1, Unchanged: 2}) ||
			c["ownership"] != (store.Count{Unchanged: 4}) {
			t.Errorf("changed import %v", c)
		}
		if after := f.counts(); !maps.Equal(counts, after) {
			t.Errorf("re-import changed counts %v → %v", counts, after)
		}
		// A file without the phone column leaves phones alone; one with it
		// empty clears them.
		csv := "\ufeff小区编码,楼栋号,单元号,房号,楼层,建筑面积(㎡),产权人证件号码,产权人姓名\r\nE1,1,1,101,1,60.5," + idA + ",张三\r\n"
		res, err := f.svc.Import(f.admin, "dwellings", strings.NewReader(csv), "少列.csv", nil)
		if err != nil || res.Counts["owner"] != (store.Count{Unchanged: 1}) {
			t.Fatalf("subset import %v %v", res, err)
		}
		owners, _, _ := db.FindOwners(context.Background(), estate.Filter{Scope: huanxin.Scope{All: true}, WithPII: true})
		if owners[0].Name != "张三" || owners[0].Phone != "13812340000" {
			t.Errorf("owner after subset import %+v", owners[0])
		}
		rows[0]["phone"], rows[1]["phone"] = "", ""
		if res := f.load(f.admin, "dwellings", "csv", rows...); res.Counts["owner"].Updated != 1 {
			t.Errorf("clearing the phone: %v", res.Counts)
		}
		// A new representative of a part replaces the stored one.
		res = f.load(f.admin, "ownerships", "csv",
			rec{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "102", "id_number": idB, "representative": "是"},
			rec{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "102", "id_number": idC})
		ships, _, _ := db.FindOwnerships(context.Background(), estate.Filter{Scope: huanxin.Scope{All: true}, Limit: 100})
		reps := map[int64][]string{}
		for _, o := range ships {
			if o.Representative {
				reps[o.PartID] = append(reps[o.PartID], o.OwnerName)
			}
		}
		if len(ships) != 5 || len(reps) != 3 || !strings.Contains(fmt.Sprint(reps), "[赵六]") || strings.Contains(fmt.Sprint(reps), " 赵六") ||
			res.Counts["ownership"] != (store.Count{Created: 1, Updated: 2}) {
			t.Errorf("representatives %v, counts %v", reps, res.Counts)
		}
	})
}

func TestImportScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.load(f.admin, "dwellings", "csv", dwellingRows()...)
		before := f.counts()
		officerA := f.officer(huanxin.RoleBureau, "390102")
		try := func(ctx context.Context, kind string, rows ...rec) error {
			_, err := f.svc.Import(ctx, kind, bytes.NewReader(f.file(kind, "csv", rows...)), kind+".csv", nil)
			return err
		}
		expect := func(err error, col, msg string) {
			t.Helper()
			fs := fieldErrors(t, err)
			if len(fs) != 1 || fs[0].Column != col || !strings.Contains(fs[0].Message, msg) {
				t.Errorf("want %s %q, got %v", col, msg, fs)
			}
		}
		expect(try(officerA, "parts", rec{"estate_code": "E2", "building_no": "5", "unit_no": "2", "room": "502", "floor": 5, "area": "90"}),
			"A", "不在您的管辖范围")
		expect(try(officerA, "estates", rec{"estate_code": "E3", "estate_name": "新村", "community_code": "390103001001", "year_built": 1990}),
			"C", "不在您的管辖范围")
		expect(try(officerA, "estates", rec{"estate_code": "E2", "estate_name": "新村", "community_code": "390102001001", "year_built": 1990}),
			"A", "管辖范围以外")
		expect(try(officerA, "owners", rec{"id_number": idC, "owner_name": "王五"}), "A", "不在您的管辖范围")
		expect(try(officerA, "jurisdictions", rec{"jur_code": "390103001002", "jur_name": "新社区", "level": "社区", "parent_code": "390103001"}),
			"D", "不在您的管辖范围")
		expect(try(officerA, "jurisdictions", rec{"jur_code": "390102", "jur_name": "改名区", "level": "区县", "parent_code": "390100"}),
			"A", "不能修改")
		for _, ctx := range []context.Context{f.officer(huanxin.RoleStreet, "390102"), context.Background(),
			f.officer(huanxin.RoleCommittee, "390102"), huanxin.NewContextWithActor(context.Background(),
				&huanxin.Actor{Role: huanxin.RoleAdmin, Scope: huanxin.Scope{All: true}, ReadOnly: true})} {
			kind := map[bool]string{true: "jurisdictions", false: "parts"}[huanxin.ActorFromContext(ctx) != nil && huanxin.ActorFromContext(ctx).Role == huanxin.RoleStreet]
			if code := huanxin.ErrorCode(try(ctx, kind)); code != huanxin.EFORBIDDEN && code != huanxin.EUNAUTHORIZED {
				t.Errorf("%+v may import %s: %s", huanxin.ActorFromContext(ctx), kind, code)
			}
		}
		if after := f.counts(); !maps.Equal(before, after) {
			t.Errorf("written out of scope: %v → %v", before, after)
		}
		// In scope, the officer adds a community and an owner of the city.
		if res := f.load(officerA, "jurisdictions", "csv", rec{"jur_code": "390102001002", "jur_name": "新社区", "level": "社区",
			"parent_code": "390102001"}); res.Counts["jurisdiction"].Created != 1 {
			t.Errorf("in scope: %v", res.Counts)
		}
		if res := f.load(officerA, "owners", "csv", rec{"id_number": idNumber(9), "owner_name": "孙八"}, rec{"id_number": idA, "owner_name": "张三", "phone": "13812345678"}); res.Counts["owner"] != (store.Count{Created: 1, Unchanged: 1}) {
			t.Errorf("owners in scope: %v", res.Counts)
		}
	})
}

func TestImportAudit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		entries, n, err := db.FindAudit(ctx, audit.Filter{Action: audit.ActionImport}, nil)
		if err != nil || n != 3 { // the tree: cities 0 and 临江; the estates: 临江
			t.Fatalf("audit after tree and estates: %d entries, %v", n, err)
		}
		data := f.file("dwellings", "csv", dwellingRows()...)
		res, err := f.svc.Import(f.admin, "dwellings", bytes.NewReader(data), "房屋清册.csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		entries, n, _ = db.FindAudit(ctx, audit.Filter{Action: audit.ActionImport}, nil)
		var detail struct {
			Kind, File, SHA256 string
			Rows               int
			Counts             map[string]store.Count
		}
		if err := json.Unmarshal([]byte(entries[0].Detail), &detail); err != nil || n != 4 || entries[0].Entity != "dwellings" {
			t.Fatalf("entry %+v: %v", entries[0], err)
		}
		if s := res.String(); s != "读取 4 行；新增 楼栋 2、单元 2、房屋 3、产权人 3、产权关系 4" {
			t.Errorf("summary %q", s)
		}
		if detail.SHA256 != hex.EncodeToString(sum[:]) || res.SHA256 != detail.SHA256 || detail.File != "房屋清册.csv" ||
			detail.Rows != 4 || !maps.Equal(detail.Counts, res.Counts) || entries[0].ActorName != "system" {
			t.Errorf("detail %+v, result %+v", detail, res)
		}
		if b, checked, err := db.VerifyAudit(ctx); b != nil || err != nil || checked != 4 {
			t.Errorf("ledger: break %+v, %d checked, %v", b, checked, err)
		}
	})
}

func TestLoadDemo(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := emptyFixture(t, db)
		ctx := f.admin
		c := demo.Generate(demo.Options{Seed: 1, Estates: 6})
		if err := f.svc.LoadDemo(ctx, c); err != nil {
			t.Fatal(err)
		}
		dc := c.Counts()
		residents := map[string]bool{}
		for _, r := range c.Residents {
			residents[fmt.Sprint(r.EstateCode, r.BuildingNo, r.StairwellNo, r.Room, r.Name)] = true
		}
		want := map[string]int{"jurisdiction": len(c.Jurisdictions), "estate": dc["estates"], "building": dc["buildings"],
			"stairwell": dc["stairwells"], "part": dc["parts"], "owner": dc["owners"], "ownership": dc["ownerships"],
			"resident": len(residents)}
		if got := f.counts(); !maps.Equal(got, want) {
			t.Errorf("counts %v, want %v", got, want)
		}
		if err := f.svc.LoadDemo(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got := f.counts(); !maps.Equal(got, want) {
			t.Errorf("counts after loading again %v, want %v", got, want)
		}
		entries, _, _ := db.FindAudit(ctx, audit.Filter{Action: audit.ActionImport}, nil)
		var detail struct{ Counts map[string]store.Count }
		json.Unmarshal([]byte(entries[0].Detail), &detail)
		for e, c := range detail.Counts {
			if c.Created != 0 || c.Updated != 0 || c.Unchanged == 0 {
				t.Errorf("loading again changed %s: %+v", e, c)
			}
		}
		if b, _, err := db.VerifyAudit(ctx); b != nil || err != nil {
			t.Errorf("ledger: %+v %v", b, err)
		}
		officer := huanxin.NewContextWithActor(ctx, &huanxin.Actor{Role: huanxin.RoleBureau, Scope: huanxin.Scope{Paths: []string{"/1/"}}})
		if huanxin.ErrorCode(f.svc.LoadDemo(officer, c)) != huanxin.EFORBIDDEN {
			t.Error("a bureau may load a demo city")
		}
	})
}

func TestExportRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := emptyFixture(t, db)
		ctx := f.admin
		if err := f.svc.LoadDemo(ctx, demo.Generate(demo.Options{Seed: 2, Estates: 2})); err != nil {
			t.Fatal(err)
		}
		counts := f.counts()
		for _, kind := range f.svc.Kinds() {
			for _, format := range []string{"csv", "xlsx"} {
				var buf bytes.Buffer
				n, err := f.svc.Export(ctx, kind, estate.Filter{}, format, &buf)
				if err != nil || n == 0 {
					t.Fatalf("export %s.%s: %d rows, %v", kind, format, n, err)
				}
				res, err := f.svc.Import(ctx, kind, &buf, kind+"."+format, nil)
				if kind == "owners" || kind == "ownerships" || kind == "dwellings" { // ID numbers are never exported
					if fs := fieldErrors(t, err); !strings.Contains(fs[0].Message, "打码") {
						t.Errorf("re-import of %s: %v", kind, fs[0])
					}
					continue
				}
				if err != nil || res.Rows != n {
					t.Fatalf("re-import %s.%s: %v %v", kind, format, res, err)
				}
				for e, c := range res.Counts {
					if c.Created != 0 || c.Updated != 0 {
						t.Errorf("round trip of %s.%s changed %s: %+v", kind, format, e, c)
					}
				}
			}
		}
		if after := f.counts(); !maps.Equal(counts, after) {
			t.Errorf("round trips changed counts %v → %v", counts, after)
		}
		entries, n, _ := db.FindAudit(ctx, audit.Filter{Action: audit.ActionExport}, nil)
		if n != 8 || !strings.Contains(entries[0].Detail, `"phones":true`) { // 4 kinds × 2 formats, one city
			t.Errorf("%d export entries, last %+v", n, entries[0])
		}
		// A committee member sees masked phones; a contractor sees no owners.
		es, _, _ := db.FindEstates(ctx, estate.Filter{Scope: huanxin.Scope{All: true}, Limit: 1})
		member := huanxin.NewContextWithActor(ctx, &huanxin.Actor{Role: huanxin.RoleCommittee, Scope: huanxin.Scope{EstateIDs: []int64{es[0].ID}}})
		var buf bytes.Buffer
		if n, err := f.svc.Export(member, "residents", estate.Filter{}, "csv", &buf); err != nil || n == 0 ||
			!strings.Contains(buf.String(), "****") || regexp.MustCompile(`\b1[3-9]\d{9}\b`).MatchString(buf.String()) {
			t.Errorf("committee export: %d rows, %v:\n%s", n, err, buf.String())
		}
		contractor := huanxin.NewContextWithActor(ctx, &huanxin.Actor{Role: huanxin.RoleContractor, Scope: huanxin.Scope{All: true}})
		if _, err := f.svc.Export(contractor, "owners", estate.Filter{}, "csv", &buf); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Errorf("contractor export of owners: %v", err)
		}
		if _, err := f.svc.Export(ctx, "parts", estate.Filter{}, "pdf", &buf); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Errorf("pdf export: %v", err)
		}
	})
}

func TestTemplates(t *testing.T) {
	svc := &importer.Service{}
	if k := svc.Kinds(); len(k) != 9 || k[0] != "jurisdictions" || k[8] != "dwellings" {
		t.Errorf("kinds %v", k)
	}
	tpl, ok := svc.Template("dwellings")
	if !ok || tpl.Sheet != "房屋清册" || len(tpl.Columns) != 16 || tpl.Columns[4].Header != "楼层" || tpl.Columns[10].Required {
		t.Errorf("dwellings template %+v", tpl)
	}
	for _, kind := range svc.Kinds() {
		var buf bytes.Buffer
		if err := svc.WriteTemplate(&buf, kind, "en"); err != nil || buf.Len() == 0 {
			t.Errorf("template %s: %v", kind, err)
		}
	}
	if _, ok := svc.Template("nope"); ok || huanxin.ErrorCode(svc.WriteTemplate(&bytes.Buffer{}, "nope", "zh")) != huanxin.EINVALID {
		t.Error("unknown kind accepted")
	}
}
