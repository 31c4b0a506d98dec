package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

// The request schemas list exactly the JSON members of their Go types,
// and the enumerations match the domain's.
func TestOpenAPIRequestSchemasMatchTypes(t *testing.T) {
	d := loadDoc(t)
	checkSchemas(t, d, map[string]reflect.Type{
		"Request":           reflect.TypeFor[api.Request](),
		"RequestInput":      reflect.TypeFor[api.RequestInput](),
		"UnitRef":           reflect.TypeFor[api.UnitRef](),
		"Escalation":        reflect.TypeFor[api.Escalation](),
		"RequestEvent":      reflect.TypeFor[api.RequestEvent](),
		"RequestEvents":     reflect.TypeFor[api.RequestEvents](),
		"AssignInput":       reflect.TypeFor[api.AssignInput](),
		"RateInput":         reflect.TypeFor[api.RateInput](),
		"ReopenInput":       reflect.TypeFor[api.ReopenInput](),
		"PublishInput":      reflect.TypeFor[api.PublishInput](),
		"FAQEntry":          reflect.TypeFor[api.FAQEntry](),
		"FAQ":               reflect.TypeFor[api.FAQ](),
		"UnitFigures":       reflect.TypeFor[api.UnitFigures](),
		"RequestOverview":   reflect.TypeFor[api.Overview](),
		"Organisation":      reflect.TypeFor[api.Organisation](),
		"OrganisationInput": reflect.TypeFor[api.OrganisationInput](),
		"Organisations":     reflect.TypeFor[api.Organisations](),
		"RequestCategory":   reflect.TypeFor[request.Category](),
		"RequestCategories": reflect.TypeFor[api.Categories](),
	})
	enum := func(schema string, want []string) {
		var got []string
		for _, v := range d.Components.Schemas[schema].Value.Enum {
			got = append(got, v.(string))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s enum = %v, want %v", schema, got, want)
		}
	}
	str := func(vs ...string) []string { return vs }
	var kinds, statuses, units []string
	for _, k := range request.Kinds {
		kinds = append(kinds, string(k))
	}
	for _, s := range request.Statuses {
		statuses = append(statuses, string(s))
	}
	for _, u := range request.UnitKinds {
		units = append(units, string(u))
	}
	enum("RequestKind", kinds)
	enum("RequestStatus", statuses)
	enum("UnitKind", units)
	enum("RequestAction", str("submitted", "assigned", "escalated", "answered", "closed", "reopened", "published"))
}

func TestRequestsHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 5, 4, 1, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		w := e.w
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		svc := &request.Service{Store: db, Register: reg, Files: files, Now: func() time.Time { return now }}
		api.NewWithExtras(reg, api.Extras{Files: files, Requests: svc}).Register(e.mux)
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		ru := &account.User{Username: "r1", Name: "业主甲", Role: huanxin.RoleResident}
		if err := db.CreateUser(sys, ru, "x"); err != nil {
			t.Fatal(err)
		}
		resident := &huanxin.Actor{UserID: ru.ID, Name: "业主甲", Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		outsider := e.actor(huanxin.RoleCommunity, w.commB)

		// A photo uploaded by the resident for the estate.
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		photo, err := files.Put(huanxin.NewContextWithActor(context.Background(), resident), w.estA.ID, "井盖.png", bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}

		e.do(t, nil, "GET", "/api/v1/requests", "").wantError(t, 401, huanxin.EUNAUTHORIZED)
		e.do(t, resident, "POST", "/api/v1/requests", fmt.Sprintf(`{"estate_id": %d, "kind": "rant", "category": "x", "title": "", "body": "b"}`, w.estA.ID)).
			wantError(t, 400, huanxin.EINVALID, "kind", "category", "title")
		e.do(t, officer, "POST", "/api/v1/requests", fmt.Sprintf(`{"estate_id": %d, "kind": "question", "category": "other", "title": "t", "body": "b"}`, w.estA.ID)).
			wantError(t, 403, huanxin.EFORBIDDEN)

		create := fmt.Sprintf(`{"estate_id": %d, "building_id": %d, "kind": "complaint", "category": "roads", "title": "井盖松动",
			"body": "3幢门口井盖松动，老人容易绊倒", "photo_file_ids": [%d], "location": "3幢门口", "lat_e6": 30250000, "lng_e6": 120160000,
			"anonymous_to_residents": true, "public": true}`, w.estA.ID, w.bldA.ID, photo.ID)
		r := e.do(t, resident, "POST", "/api/v1/requests", create)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, create)
		id := int64(num(r.body["id"]))
		unit := r.body["unit"].(map[string]any)
		if r.body["status"] != "assigned" || unit["kind"] != "community" || num(unit["id"]) != w.commA.ID ||
			r.body["deadline"] != "2026-05-09T01:00:00Z" || r.body["overdue"] != false {
			t.Fatalf("created %s", r.raw)
		}
		path := "/api/v1/requests/" + fmt.Sprint(id)

		// Visibility: the resident and the estate's officer; not another community.
		e.do(t, outsider, "GET", path, "").wantError(t, 404, huanxin.ENOTFOUND)
		if got := e.do(t, officer, "GET", "/api/v1/requests?status=assigned&category=roads", "").ids(t); len(got) != 1 || got[0] != id {
			t.Fatalf("queue %v", got)
		}
		if got := e.do(t, officer, "GET", "/api/v1/requests?overdue=true", "").ids(t); len(got) != 0 {
			t.Fatalf("overdue before the deadline: %v", got)
		}
		e.do(t, officer, "GET", "/api/v1/requests?overdue=yes&status=open", "").wantError(t, 400, huanxin.EINVALID, "status", "overdue")

		// After the deadline the sweep moves it to the street.
		now = now.Add(121 * time.Hour)
		if got := e.do(t, officer, "GET", "/api/v1/requests?overdue=true", "").ids(t); len(got) != 1 {
			t.Fatalf("overdue: %v", got)
		}
		if n, err := svc.Escalate(context.Background()); err != nil || n != 1 {
			t.Fatalf("escalate: %d %v", n, err)
		}
		r = e.do(t, officer, "GET", path, "")
		if esc := r.body["escalations"].([]any); len(esc) != 1 || r.body["unit"].(map[string]any)["kind"] != "street" {
			t.Fatalf("after the sweep: %s", r.raw)
		}
		// The community officer is below the street: may not answer.
		e.do(t, officer, "POST", path+"/answer", `{"answer": "已修复"}`).wantError(t, 403, huanxin.EFORBIDDEN)
		street := e.actor(huanxin.RoleStreet, w.streetA)
		r = e.do(t, street, "POST", path+"/answer", `{"answer": "已更换井盖"}`)
		if r.status != 200 || r.body["status"] != "answered" {
			t.Fatalf("answer: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "POST", path+"/close", `{"rating": 0}`).wantError(t, 400, huanxin.EINVALID, "rating")
		r = e.do(t, resident, "POST", path+"/close", `{"rating": 5, "comment": "很快"}`)
		if r.status != 200 || r.body["status"] != "closed" || num(r.body["rating"]) != 5 {
			t.Fatalf("close: %d %s", r.status, r.raw)
		}
		e.do(t, resident, "POST", path+"/reopen", `{"reason": "又松了"}`).wantError(t, 409, huanxin.ECONFLICT)
		e.do(t, resident, "POST", path+"/publish", `{"question": "q", "answer": "a"}`).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, officer, "POST", path+"/publish", `{"question": "井盖松动怎么办？", "answer": "街道已更换井盖。"}`); r.status != 200 {
			t.Fatalf("publish: %d %s", r.status, r.raw)
		}
		r = e.do(t, resident, "GET", fmt.Sprintf("/api/v1/faq?estate_id=%d", w.estA.ID), "")
		items := r.items(t)
		if len(items) != 1 || items[0]["question"] != "井盖松动怎么办？" || items[0]["asked_by"] != "" {
			t.Fatalf("faq %s", r.raw)
		}
		e.do(t, resident, "GET", "/api/v1/faq", "").wantError(t, 400, huanxin.EINVALID, "estate_id")

		r = e.do(t, officer, "GET", path+"/events", "")
		if evs := r.items(t); len(evs) != 6 || evs[2]["action"] != "escalated" || evs[5]["action"] != "published" {
			t.Fatalf("events %s", r.raw)
		}
		r = e.do(t, officer, "GET", "/api/v1/requests/overview", "")
		figs := r.items(t)
		if len(figs) != 1 || num(figs[0]["first_answer_median_s"]) != 121*3600 || figs[0]["average_rating"] != "5.00" {
			t.Fatalf("overview %s", r.raw)
		}

		// Organisations and categories.
		org := fmt.Sprintf(`{"kind": "property", "name": "某物业", "member_ids": [%d], "estate_ids": [%d]}`, ru.ID, w.estA.ID)
		e.do(t, resident, "POST", "/api/v1/units", org).wantError(t, 403, huanxin.EFORBIDDEN)
		r = e.do(t, officer, "POST", "/api/v1/units", org)
		if r.status != 201 || r.body["kind"] != "property" {
			t.Fatalf("unit: %d %s", r.status, r.raw)
		}
		e.checkRequest(t, r.pattern, org)
		unitPath := fmt.Sprintf("/api/v1/units/%d", num(r.body["id"]))
		r = e.do(t, officer, "PUT", unitPath, fmt.Sprintf(`{"kind": "property", "name": "新物业", "estate_ids": [%d]}`, w.estA.ID))
		if r.status != 200 || r.body["name"] != "新物业" || len(r.body["member_ids"].([]any)) != 0 {
			t.Fatalf("unit update: %d %s", r.status, r.raw)
		}
		// Stopped, it lets its estate go; started again, it is given it anew.
		e.do(t, outsider, "POST", unitPath+"/deactivate", "").wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, officer, "POST", unitPath+"/deactivate", ""); r.status != 200 || r.body["inactive"] == nil || len(r.body["estate_ids"].([]any)) != 0 {
			t.Fatalf("deactivate: %d %s", r.status, r.raw)
		}
		if r = e.do(t, officer, "POST", unitPath+"/activate", ""); r.status != 200 || r.body["inactive"] != nil {
			t.Fatalf("activate: %d %s", r.status, r.raw)
		}
		if r = e.do(t, officer, "PUT", unitPath, fmt.Sprintf(`{"kind": "property", "name": "新物业", "estate_ids": [%d]}`, w.estA.ID)); r.status != 200 {
			t.Fatalf("estates given anew: %d %s", r.status, r.raw)
		}
		if items := e.do(t, officer, "GET", "/api/v1/units", "").items(t); len(items) != 1 {
			t.Fatalf("units %v", items)
		}
		cats := `{"items": [{"code": "lifts", "label": "电梯", "unit": "property", "hours": 12}, {"code": "old", "label": "旧分类", "unit": "community", "hours": 24, "inactive": true}]}`
		e.do(t, officer, "PUT", fmt.Sprintf("/api/v1/cities/%d/request-categories", w.city.ID), cats).wantError(t, 403, huanxin.EFORBIDDEN)
		if r = e.do(t, admin(), "PUT", fmt.Sprintf("/api/v1/cities/%d/request-categories", w.city.ID), cats); r.status != 200 {
			t.Fatalf("set categories: %d %s", r.status, r.raw)
		}
		if items := e.do(t, resident, "GET", fmt.Sprintf("/api/v1/cities/%d/request-categories", w.city.ID), "").items(t); len(items) != 2 || items[0]["hours"] != 12.0 || items[1]["inactive"] != true {
			t.Fatalf("categories %v", items)
		}
		// A lift complaint now goes to the property company, 12 hours.
		r = e.do(t, resident, "POST", "/api/v1/requests", fmt.Sprintf(`{"estate_id": %d, "kind": "complaint", "category": "lifts", "title": "电梯困人", "body": "b"}`, w.estA.ID))
		if u := r.body["unit"].(map[string]any); r.status != 201 || u["kind"] != "property" || u["name"] != "新物业" {
			t.Fatalf("lift request: %d %s", r.status, r.raw)
		}
	})
}
