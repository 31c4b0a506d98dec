package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func (f *adminFixture) as(role huanxin.Role) *huanxin.Actor {
	a := *f.officer
	a.Role = role
	return &a
}

func sysCtx() context.Context {
	return huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
}

func wantRedirect(t *testing.T, code int, loc, want string) {
	t.Helper()
	if code != http.StatusSeeOther || loc != want {
		t.Fatalf("got %d to %q, want 303 to %q", code, loc, want)
	}
}

func estateValues(f *adminFixture) url.Values {
	return url.Values{
		"jurisdiction_id": {strconv.FormatInt(f.community.ID, 10)},
		"code":            {"XH-0001"},
		"name":            {"翠苑一区"},
		"address":         {"文三路 100 号"},
		"year_built":      {"1985"},
		"land_area":       {"12,345.67"},
		"management":      {"self"},
		"original_owner":  {"杭州丝绸厂"},
		"status":          {"surveyed"},
		"lat":             {"30.259244"},
		"lng":             {"120.1481"},
		"notes":           {"老旧小区"},
	}
}

func TestEstateForms(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)

		rec, body := f.do(t, f.officer, "GET", "/estates/new", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="csrf" value="`+adminTestCSRF+`"`, `action="/estates"`,
			`<option value="`+strconv.FormatInt(f.community.ID, 10)+`"`, "幸福社区", `name="land_area"`, `name="boundary"`)

		// Malformed numbers: shown again with the problems and what was typed.
		bad := estateValues(f)
		bad.Set("year_built", "19八五")
		bad.Set("land_area", "12.345")
		rec, body = f.do(t, f.officer, "POST", "/estates", bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="f-year-err"`, `id="f-land-err"`, `value="19八五"`, `value="12.345"`,
			`value="翠苑一区"`, `value="XH-0001"`, `aria-invalid="true"`)
		wantAbsent(t, body, `id="f-name-err"`)

		// A year the service rejects, and latitude without longitude.
		bad = estateValues(f)
		bad.Set("year_built", "1800")
		rec, body = f.do(t, f.officer, "POST", "/estates", bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="f-year-err"`, `value="1800"`)
		bad = estateValues(f)
		bad.Set("lng", "")
		rec, body = f.do(t, f.officer, "POST", "/estates", bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="f-lat-err"`, `value="30.259244"`)
		if list, _, err := f.p.Reg.Estates().Find(sysCtx(), estate.Filter{Code: "XH-0001"}); err != nil || len(list) != 0 {
			t.Fatalf("invalid submissions stored something: %v, %v", list, err)
		}

		rec, body = f.do(t, f.officer, "POST", "/estates", estateValues(f))
		list, _, err := f.p.Reg.Estates().Find(sysCtx(), estate.Filter{Code: "XH-0001"})
		if err != nil || len(list) != 1 {
			t.Fatalf("estate not created: %v, %v; body:\n%s", list, err, body)
		}
		e := list[0]
		id := strconv.FormatInt(e.ID, 10)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/estates/"+id+"?flash=estate_saved")
		if e.Name != "翠苑一区" || e.JurisdictionID != f.community.ID || e.YearBuilt != 1985 || e.LandArea != 1234567 ||
			e.Management != estate.MgmtSelf || e.Status != estate.StatusSurveyed || e.OriginalOwner != "杭州丝绸厂" || e.Notes != "老旧小区" {
			t.Errorf("stored %+v", e)
		}
		if e.Lat == nil || e.Lng == nil || *e.Lat != 30259244 || *e.Lng != 120148100 {
			t.Errorf("coordinates = %v, %v", e.Lat, e.Lng)
		}

		// The estate page links to the forms for officers only.
		rec, body = f.do(t, f.officer, "GET", "/estates/"+id+"?flash=estate_saved", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/estates/`+id+`/edit"`, `action="/estates/`+id+`/buildings"`, "小区信息已保存。")
		rec, body = f.do(t, f.as(huanxin.RoleContractor), "GET", "/estates/"+id, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, `/edit"`, `/buildings"`)

		// Edit: the form shows the stored facts; a change is saved and the
		// rest is kept.
		rec, body = f.do(t, f.officer, "GET", "/estates/"+id+"/edit", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="/estates/`+id+`"`, `value="12345.67"`, `value="30.259244"`, `value="120.1481"`,
			`value="surveyed" selected`, `value="self" selected`, "老旧小区")
		edit := estateValues(f)
		edit.Set("name", "翠苑一区（东）")
		edit.Set("status", "planned")
		edit.Set("land_area", "12345.6")
		rec, body = f.do(t, f.officer, "POST", "/estates/"+id, edit)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/estates/"+id+"?flash=estate_saved")
		got, err := f.p.Reg.Estates().Get(sysCtx(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "翠苑一区（东）" || got.Status != estate.StatusPlanned || got.LandArea != 1234560 || got.Code != "XH-0001" || *got.Lat != 30259244 {
			t.Errorf("after edit %+v", got)
		}
		edit.Set("year_built", "abc")
		rec, body = f.do(t, f.officer, "POST", "/estates/"+id, edit)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="f-year-err"`, `value="abc"`, `action="/estates/`+id+`"`)
		if got, _ := f.p.Reg.Estates().Get(sysCtx(), e.ID); got.YearBuilt != 1985 {
			t.Errorf("invalid edit changed year to %d", got.YearBuilt)
		}

		// Roles that may not change the register get 403, forms included.
		for _, role := range []huanxin.Role{huanxin.RoleContractor, huanxin.RoleCommittee} {
			a := f.as(role)
			for _, c := range []struct {
				method, target string
				form           url.Values
			}{
				{"GET", "/estates/new", nil},
				{"POST", "/estates", estateValues(f)},
				{"GET", "/estates/" + id + "/edit", nil},
				{"POST", "/estates/" + id, edit},
				{"POST", "/estates/" + id + "/buildings", url.Values{"no": {"9"}}},
			} {
				rec, body := f.do(t, a, c.method, c.target, c.form)
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s %s %s: status %d, want 403; body:\n%s", role, c.method, c.target, rec.Code, body)
				}
			}
		}
		if got, _ := f.p.Reg.Estates().Get(sysCtx(), e.ID); got.Name != "翠苑一区（东）" {
			t.Errorf("forbidden edit changed the name to %q", got.Name)
		}

		// Buildings: the inline form adds one; bad input gets its own form.
		rec, body = f.do(t, f.officer, "POST", "/estates/"+id+"/buildings", url.Values{"no": {"3幢"}, "floors": {"six"}, "year_built": {"1986"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="b-floors-err"`, `value="six"`, `value="3幢"`, `value="1986"`)
		rec, body = f.do(t, f.officer, "POST", "/estates/"+id+"/buildings", url.Values{"no": {"3幢"}, "floors": {"6"}, "year_built": {"1986"}})
		bs, _, err := f.p.Reg.Buildings().Find(sysCtx(), estate.Filter{EstateID: &e.ID})
		if err != nil || len(bs) != 1 {
			t.Fatalf("building not created: %v, %v; body:\n%s", bs, err, body)
		}
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/estates/"+id+"?building="+strconv.FormatInt(bs[0].ID, 10)+"&flash=building_saved")
		if b := bs[0]; b.No != "3幢" || b.Floors != 6 || b.Year != 1986 {
			t.Errorf("building %+v", b)
		}
	})
}

func TestPartForms(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		ctx := sysCtx()
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0002", Name: "松木场小区", YearBuilt: 1990}
		if err := f.p.Reg.Estates().Create(ctx, e); err != nil {
			t.Fatal(err)
		}
		b := &estate.Building{EstateID: e.ID, No: "1", Floors: 6}
		if err := f.p.Reg.Buildings().Create(ctx, b); err != nil {
			t.Fatal(err)
		}
		w := &estate.Stairwell{BuildingID: b.ID, No: "1"}
		if err := f.p.Reg.Stairwells().Create(ctx, w); err != nil {
			t.Fatal(err)
		}
		pt := &estate.Part{StairwellID: w.ID, Floor: 3, Room: "301", Area: 8000, Sold: true, Delivered: true}
		if err := f.p.Reg.Parts().Create(ctx, pt); err != nil {
			t.Fatal(err)
		}
		pid := strconv.FormatInt(pt.ID, 10)

		rec, body := f.do(t, f.officer, "GET", "/estates/"+strconv.FormatInt(e.ID, 10), nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/parts/`+pid+`/edit"`)

		rec, body = f.do(t, f.officer, "GET", "/parts/"+pid+"/edit", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "松木场小区", `action="/parts/`+pid+`"`, `value="80.00"`, `value="301"`, `name="sold" value="1" checked`,
			`action="/parts/`+pid+`/residents"`, `name="csrf" value="`+adminTestCSRF+`"`)

		form := url.Values{"kind": {"dwelling"}, "floor": {"3"}, "room": {"301"}, "area": {"85.321"}, "area_source": {"surveyed"}, "sold": {"1"}}
		rec, body = f.do(t, f.officer, "POST", "/parts/"+pid, form)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="p-area-err"`, `value="85.321"`)

		form.Set("area", "85.32")
		rec, body = f.do(t, f.officer, "POST", "/parts/"+pid, form)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"),
			"/estates/"+strconv.FormatInt(e.ID, 10)+"?building="+strconv.FormatInt(b.ID, 10)+"&flash=part_saved")
		got, err := f.p.Reg.Parts().Get(ctx, pt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Area != 8532 || got.AreaSource != estate.SourceSurveyed || !got.Sold || got.Delivered || got.Room != "301" {
			t.Errorf("part after edit %+v", got)
		}

		// Residents: a bad birth year is shown with what was typed; a good
		// submission adds the resident, listed with a masked phone.
		res := url.Values{"name": {"王小明"}, "kind": {"tenant"}, "birth_year": {"一九九〇"}, "disabled": {"1"},
			"phone": {"13812345678"}, "moved_in": {"2020-05-01"}}
		rec, body = f.do(t, f.officer, "POST", "/parts/"+pid+"/residents", res)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="r-birth-err"`, `value="一九九〇"`, `value="王小明"`, `value="tenant" selected`)
		wantAbsent(t, body, `id="p-area-err"`)

		res.Set("birth_year", "1990")
		rec, body = f.do(t, f.officer, "POST", "/parts/"+pid+"/residents", res)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/parts/"+pid+"/edit?flash=resident_saved")
		rs, _, err := f.p.Reg.Residents().Find(ctx, estate.Filter{PartID: &pt.ID, WithPII: true})
		if err != nil || len(rs) != 1 {
			t.Fatalf("resident not created: %v, %v", rs, err)
		}
		if r := rs[0]; r.Name != "王小明" || r.Kind != estate.ResidentTenant || r.BirthYear != 1990 || !r.Disabled ||
			r.MovedIn != "2020-05-01" || r.EstateID != e.ID || r.Phone != "13812345678" {
			t.Errorf("resident %+v", r)
		}
		rec, body = f.do(t, f.officer, "GET", "/parts/"+pid+"/edit?flash=resident_saved", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "<td>王小明</td>", "住户已添加。", "2020-05-01")
		wantAbsent(t, body, "13812345678")

		for _, c := range []struct {
			method, target string
			form           url.Values
		}{
			{"GET", "/parts/" + pid + "/edit", nil},
			{"POST", "/parts/" + pid, url.Values{"area": {"1.00"}, "room": {"301"}, "floor": {"3"}}},
			{"POST", "/parts/" + pid + "/residents", url.Values{"name": {"张三"}}},
		} {
			rec, body := f.do(t, f.as(huanxin.RoleContractor), c.method, c.target, c.form)
			if rec.Code != http.StatusForbidden {
				t.Errorf("contractor %s %s: status %d; body:\n%s", c.method, c.target, rec.Code, body)
			}
		}
		if got, _ := f.p.Reg.Parts().Get(ctx, pt.ID); got.Area != 8532 {
			t.Errorf("forbidden edit changed the area to %v", got.Area)
		}
		if rs, _, _ := f.p.Reg.Residents().Find(ctx, estate.Filter{PartID: &pt.ID}); len(rs) != 1 {
			t.Errorf("%d residents after a forbidden add", len(rs))
		}
	})
}
