package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
	"github.com/huanxin/huanxin/survey"
)

// The survey schemas list exactly the JSON members of their Go types.
func TestOpenAPISurveySchemasMatchTypes(t *testing.T) {
	checkSchemas(t, loadDoc(t), map[string]reflect.Type{
		"Survey":             reflect.TypeFor[api.Survey](),
		"SurveyFinding":      reflect.TypeFor[api.Finding](),
		"SurveyFindingInput": reflect.TypeFor[api.FindingInput](),
		"SurveyCreate":       reflect.TypeFor[api.SurveyInput](),
		"SurveyPatch":        reflect.TypeFor[api.SurveyPatch](),
		"SurveyChange":       reflect.TypeFor[api.SurveyChange](),
		"SurveyComparison":   reflect.TypeFor[api.SurveyComparison](),
		"SurveyPhoto":        reflect.TypeFor[survey.Photo](),
		"SurveyFacts":        reflect.TypeFor[survey.Facts](),
		"SurveyEnteredFacts": reflect.TypeFor[survey.Entered](),
	})
}

func TestSurveysHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		w := e.w
		e.mux = http.NewServeMux()
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		api.NewWithExtras(reg, api.Extras{Files: files, Surveys: &survey.Service{Store: db, Register: reg, Files: files, Now: db.Now}}).Register(e.mux)
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		contractor := e.actor(huanxin.RoleContractor, w.commA)
		outsider := e.actor(huanxin.RoleCommunity, w.commB)

		// A photo uploaded through the file API.
		var img bytes.Buffer
		png.Encode(&img, image.NewGray(image.Rect(0, 0, 1600, 900)))
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "wall.png")
		fw.Write(img.Bytes())
		mw.WriteField("estate_id", id(w.estA.ID))
		mw.Close()
		req := httptest.NewRequest("POST", "/api/v1/files", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		up := e.send(t, officer, req)
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.raw)
		}
		photo := num(up.body["id"])

		create := fmt.Sprintf(`{"estate_id": %d, "notes": "初查", "findings": [
			{"item_code": "B15", "grade": 3, "quantity": 8050, "hazard": true, "notes": "空鼓", "photos": [%d]}],
			"entered_facts": {"disabled": 2}}`, w.estA.ID, photo)
		e.do(t, nil, "POST", "/api/v1/surveys", create).wantError(t, 401, huanxin.EUNAUTHORIZED)
		e.do(t, contractor, "POST", "/api/v1/surveys", create).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, outsider, "POST", "/api/v1/surveys", create).wantError(t, 403, huanxin.EFORBIDDEN)
		e.do(t, officer, "POST", "/api/v1/surveys", fmt.Sprintf(`{"estate_id": %d, "findings": [{"item_code": "B15", "grade": 5}]}`, w.estA.ID)).
			wantError(t, 400, huanxin.EINVALID, "findings.0.grade")
		r := e.do(t, officer, "POST", "/api/v1/surveys", create)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "POST /api/v1/surveys", create)
		sid := num(r.body["id"])
		f := r.body["findings"].([]any)[0].(map[string]any)
		p := f["photos"].([]any)[0].(map[string]any)
		if f["grade_label"] != "较差" || f["unit"] != "m²" || num(p["file_id"]) != photo || num(p["thumb_file_id"]) == photo {
			t.Fatalf("finding: %v", f)
		}
		facts := r.body["facts"].(map[string]any)
		if num(facts["disabled"]) != 2 || num(facts["households"]) != 2 || num(facts["over60"]) != 1 || num(r.body["over60_permille"]) != 1000 {
			t.Fatalf("facts: %v %v", facts, r.body["over60_permille"])
		}

		patch := `{"findings": [{"item_code": "B15", "grade": 2}, {"item_code": "I06", "grade": 3, "quantity": 2000}]}`
		if r := e.do(t, officer, "PATCH", "/api/v1/surveys/"+id(sid), patch); r.status != 200 || len(r.body["findings"].([]any)) != 2 {
			t.Fatalf("patch: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, "PATCH /api/v1/surveys/{id}", patch)
		if r := e.do(t, officer, "POST", "/api/v1/surveys/"+id(sid)+"/submit", ""); r.status != 200 || r.body["status"] != "submitted" {
			t.Fatalf("submit: %d %s", r.status, r.raw)
		}
		e.do(t, officer, "PATCH", "/api/v1/surveys/"+id(sid), patch).wantError(t, 409, huanxin.ECONFLICT)
		e.do(t, outsider, "GET", "/api/v1/surveys/"+id(sid), "").wantError(t, 404, huanxin.ENOTFOUND)
		if r := e.do(t, contractor, "GET", "/api/v1/surveys?estate_id="+id(w.estA.ID), ""); len(r.items(t)) != 1 {
			t.Fatalf("list: %s", r.raw)
		}
		e.do(t, contractor, "GET", "/api/v1/surveys", "").wantError(t, 400, huanxin.EINVALID, "estate_id")

		later := e.do(t, officer, "POST", "/api/v1/surveys", fmt.Sprintf(`{"estate_id": %d, "findings": [{"item_code": "B15", "grade": 1}]}`, w.estA.ID))
		c := e.do(t, contractor, "GET", "/api/v1/surveys/"+id(num(later.body["id"]))+"/compare/"+id(sid), "")
		changes := c.body["changes"].([]any)
		if c.status != 200 || num(c.body["from"].(map[string]any)["id"]) != sid || len(changes) != 2 ||
			changes[0].(map[string]any)["trend"] != "better" || changes[1].(map[string]any)["trend"] != "gone" {
			t.Fatalf("compare: %d %s", c.status, c.raw)
		}
	})
}
