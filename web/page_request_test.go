package web

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
	"github.com/xuri/excelize/v2"
)

// A resident submits a complaint with a photo on the phone form, the
// community officer answers it in the queue, the resident rates it, the
// officer publishes it in the estate's FAQ and sees the statistics.
func TestRequestPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Files = &file.Service{Store: db, Register: f.p.Reg}
		f.p.Requests = &request.Service{Store: db, Register: f.p.Reg, Files: f.p.Files}
		ctx := sysCtx()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0200", Name: "幸福里", YearBuilt: 1988}
		must(f.p.Reg.Estates().Create(ctx, e))
		b := &estate.Building{EstateID: e.ID, No: "3", Floors: 6}
		must(f.p.Reg.Buildings().Create(ctx, b))
		sw := &estate.Stairwell{BuildingID: b.ID, No: "1"}
		must(f.p.Reg.Stairwells().Create(ctx, sw))
		pt := &estate.Part{StairwellID: sw.ID, Floor: 2, Room: "201", Area: 7000, Sold: true, Delivered: true}
		must(f.p.Reg.Parts().Create(ctx, pt))
		o := &estate.Owner{Kind: estate.OwnerPerson, Name: "李奶奶", IDNumber: "110105194912310011"}
		must(db.CreateOwner(ctx, o))
		must(db.CreateOwnership(ctx, &estate.Ownership{CityID: pt.CityID, EstateID: e.ID, PartID: pt.ID, OwnerID: o.ID,
			Representative: true, ShareNum: 1, ShareDen: 1}))
		u := &account.User{Username: "li", Name: "李奶奶", Role: huanxin.RoleResident, OwnerID: o.ID}
		must(f.p.Accounts.CreateUser(ctx, u, "secret-pass-1"))
		resident, err := db.Actor(ctx, u.ID)
		must(err)

		// The phone form: camera capture for photos, the city's categories.
		rec, body := f.do(t, resident, "GET", "/requests/new", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `accept="image/*" capture="environment"`, `enctype="multipart/form-data"`,
			`<option value="roads">道路</option>`, `name="estate_id" value="`+strconv.FormatInt(e.ID, 10)+`"`, `class="resident"`)

		// A missing title is shown next to the field, with the input kept.
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		form := url.Values{"estate_id": {strconv.FormatInt(e.ID, 10)}, "kind": {"complaint"}, "category": {"roads"},
			"title": {""}, "body": {"3幢门口井盖松动"}, "location": {"3幢门口"}, "anonymous": {"1"}, "public": {"1"}}
		rec, body = f.doMultipart(t, resident, "/requests", form, "photos", "well.png", png)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="rq-title-err"`, "3幢门口井盖松动")

		form.Set("title", "井盖松动")
		rec, body = f.doMultipart(t, resident, "/requests", form, "photos", "well.png", png)
		wantStatus(t, rec, body, http.StatusSeeOther)
		page := rec.Header().Get("Location")
		m := regexp.MustCompile(`^/requests/(\d+)\?flash=request_submitted$`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("redirect to %q", page)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		x, err := f.p.Requests.Get(huanxin.NewContextWithActor(ctx, resident), id)
		must(err)
		if len(x.PhotoFileIDs) != 1 || x.Unit.ID != f.community.ID || !x.AnonymousToResidents || !x.Public {
			t.Fatalf("stored %+v", x)
		}
		path := "/requests/" + m[1]

		// The resident sees the status, the photo and no answer form.
		rec, body = f.do(t, resident, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "办理中", path+"/photos/"+strconv.FormatInt(x.PhotoFileIDs[0], 10))
		if strings.Contains(body, `action="`+path+`/answer"`) {
			t.Error("the resident is offered the answer form")
		}
		rec, body = f.do(t, resident, "GET", path+"/photos/"+strconv.FormatInt(x.PhotoFileIDs[0], 10), nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" || !bytes.Equal([]byte(body), png) {
			t.Fatalf("photo: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		rec, _ = f.do(t, resident, "GET", path+"/photos/999", nil)
		wantStatus(t, rec, "", http.StatusNotFound)
		rec, body = f.do(t, resident, "GET", "/my/requests", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "井盖松动", `href="`+path+`"`)

		// The officer's queue, filtered, and its export.
		rec, body = f.do(t, f.officer, "GET", "/requests?status=assigned&category=roads", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="request-table"`, "井盖松动", "幸福里", "幸福社区")
		rec, body = f.do(t, f.officer, "GET", "/requests?status=closed", nil)
		wantStatus(t, rec, body, http.StatusOK)
		if strings.Contains(body, "井盖松动") {
			t.Error("the closed filter lists a waiting request")
		}
		rec, body = f.do(t, f.officer, "GET", "/requests.xlsx?category=roads", nil)
		wantStatus(t, rec, "", http.StatusOK)
		xf, err := excelize.OpenReader(strings.NewReader(body))
		must(err)
		rows, err := xf.GetRows(xf.GetSheetName(0))
		must(err)
		if len(rows) != 2 || rows[0][0] != "编号" || rows[1][4] != "井盖松动" || rows[1][6] != "幸福社区" {
			t.Fatalf("export rows %q", rows)
		}

		// The officer answers: empty first, then for real.
		rec, body = f.do(t, f.officer, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="`+path+`/answer"`, "李奶奶（对其他居民匿名）")
		rec, body = f.do(t, f.officer, "POST", path+"/answer", url.Values{"answer": {" "}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="reply-err"`)
		rec, body = f.do(t, f.officer, "POST", path+"/answer", url.Values{"answer": {"已安排维修人员更换井盖"}})
		wantStatus(t, rec, body, http.StatusSeeOther)

		// The resident rates it with the star buttons.
		rec, body = f.do(t, resident, "GET", path, nil)
		wantContains(t, body, "已安排维修人员更换井盖", `type="radio" id="star-5" name="rating" value="5" required`, `action="`+path+`/reopen"`)
		rec, body = f.do(t, resident, "POST", path+"/close", url.Values{"comment": {"谢谢"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="rate-err"`)
		rec, body = f.do(t, resident, "POST", path+"/close", url.Values{"rating": {"5"}, "comment": {"谢谢"}})
		wantStatus(t, rec, body, http.StatusSeeOther)
		rec, body = f.do(t, resident, "GET", path, nil)
		wantContains(t, body, "已办结", "5 / 5")

		// Published, it shows in the estate's FAQ without the name.
		rec, body = f.do(t, f.officer, "POST", path+"/publish", url.Values{"question": {"井盖松动找谁？"}, "faq_answer": {"社区安排更换。"}})
		wantStatus(t, rec, body, http.StatusSeeOther)
		rec, body = f.do(t, resident, "GET", "/estates/"+strconv.FormatInt(e.ID, 10)+"/faq", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "井盖松动找谁？", "社区安排更换。")
		if main := body[strings.Index(body, "<main"):]; strings.Contains(main, "李奶奶") {
			t.Error("the FAQ names an anonymous submitter")
		}

		// The statistics per unit, with bars drawn on the server.
		rec, body = f.do(t, f.officer, "GET", "/requests/overview", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="overview-table"`, "幸福社区", "5.00", "<svg", "<rect", `id="chart-first"`)

		// Another community's officer sees nothing of it.
		other := *f.officer
		other.Scope = huanxin.Scope{Paths: []string{"/999/"}}
		rec, _ = f.do(t, &other, "GET", path, nil)
		wantStatus(t, rec, "", http.StatusNotFound)
	})
}
