package web

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/survey"
)

func TestSurveyPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Files = &file.Service{Store: db, Register: f.p.Reg}
		f.p.Surveys = &survey.Service{Store: db, Register: f.p.Reg, Files: f.p.Files}
		ctx := sysCtx()
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0200", Name: "纺织新村", YearBuilt: 1985}
		if err := f.p.Reg.Estates().Create(ctx, e); err != nil {
			t.Fatal(err)
		}
		eid := strconv.FormatInt(e.ID, 10)

		// The phone form: a section per aspect with grade radios, quantity,
		// hazard, notes and a camera input.
		rec, body := f.do(t, f.officer, "GET", "/estates/"+eid+"/surveys/new", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `enctype="multipart/form-data"`, `id="grade-B14-4" name="grade_B14" value="4"`, `name="qty_B14"`,
			`name="hazard_B14"`, `name="notes_B14"`, `id="photo-B14" name="photo_B14" type="file" accept="image/*" capture="environment"`,
			`name="csrf" value="`+adminTestCSRF+`"`, "survey.css")
		rec, body = f.do(t, f.as(huanxin.RoleContractor), "GET", "/estates/"+eid+"/surveys/new", nil)
		wantStatus(t, rec, body, http.StatusForbidden)

		// Problems are shown in the aspect's section, the input kept.
		rec, body = f.do(t, f.officer, "POST", "/estates/"+eid+"/surveys", url.Values{"csrf": {adminTestCSRF},
			"qty_B15": {"1.234"}, "grade_B15": {"3"}, "hazard_I06": {"1"}, "surveyed_on": {"2020-13-01"}})
		wantStatus(t, rec, body, http.StatusUnprocessableEntity)
		wantContains(t, body, `id="a-B15-err"`, "最多两位小数", `id="a-I06-err"`, "请评定等级", `value="2020-13-01"`)

		// A survey with a photo.
		var img bytes.Buffer
		png.Encode(&img, image.NewGray(image.Rect(0, 0, 1500, 2000)))
		rec, body = f.doMultipart(t, f.officer, "/estates/"+eid+"/surveys", url.Values{"csrf": {adminTestCSRF},
			"grade_B14": {"4"}, "qty_B14": {"120.5"}, "hazard_B14": {"1"}, "notes_B14": {"渗漏"}, "fact_disabled": {"3"}},
			"photo_B14", "roof.png", img.Bytes())
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", rec.Code, body)
		}
		path := regexp.MustCompile(`^/surveys/\d+`).FindString(rec.Header().Get("Location"))
		rec, body = f.do(t, f.as(huanxin.RoleContractor), "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "屋面", "危险", "存在安全隐患", "120.50 m²", "渗漏", `<img src="`+path+`/photos/`)
		sid, _ := strconv.ParseInt(path[len("/surveys/"):], 10, 64)
		v, err := f.p.Surveys.Get(ctx, sid)
		if err != nil || v.Facts().Disabled != 3 {
			t.Fatalf("stored: %+v %v", v, err)
		}
		ph := v.Findings[0].Photos[0]
		rec, body = f.do(t, f.as(huanxin.RoleContractor), "GET", path+"/photos/"+strconv.FormatInt(ph.ThumbID, 10), nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != file.TypeJPEG {
			t.Fatalf("rendition: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}

		// Editing keeps the photo; submitting makes the survey read-only.
		rec, body = f.do(t, f.officer, "GET", path+"/edit", nil)
		wantContains(t, body, `name="keep_B14" value="`+strconv.FormatInt(ph.FileID, 10)+`" checked`)
		rec, body = f.do(t, f.officer, "POST", path, url.Values{"csrf": {adminTestCSRF}, "grade_B14": {"3"}, "surveyed_on": {v.SurveyedOn},
			"keep_B14": {strconv.FormatInt(ph.FileID, 10)}, "grade_B01": {"2"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", rec.Code, body)
		}
		rec, body = f.do(t, f.officer, "POST", path+"/submit", url.Values{"csrf": {adminTestCSRF}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", rec.Code, body)
		}
		rec, body = f.do(t, f.officer, "POST", path, url.Values{"csrf": {adminTestCSRF}, "grade_B14": {"1"}})
		wantStatus(t, rec, body, http.StatusConflict)

		// A later survey compared with the first; the list shows both.
		rec, _ = f.do(t, f.officer, "POST", "/estates/"+eid+"/surveys", url.Values{"csrf": {adminTestCSRF}, "grade_B14": {"1"}})
		later := regexp.MustCompile(`^/surveys/\d+`).FindString(rec.Header().Get("Location"))
		rec, body = f.do(t, f.officer, "GET", later+"/compare?with="+strconv.FormatInt(sid, 10), nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `class="trend-better">好转`, `class="trend-gone">未再调查`, "供水设施")
		rec, body = f.do(t, f.officer, "GET", "/surveys?estate_id="+eid, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="`+later+`"`, `href="`+path+`"`, "已提交", "草稿", `href="/estates/`+eid+`/surveys/new"`, "摸底调查")
	})
}
