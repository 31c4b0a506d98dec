package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning/priority"
	"github.com/huanxin/huanxin/store"
)

func TestPriorityPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Priority = &priority.Service{Store: db, Reg: f.p.Reg, Now: func() time.Time { return time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) }}
		var ids []int64
		for i, e := range []struct {
			name string
			year int
			mgmt estate.ManagementModel
		}{{"老旧一村", 1975, estate.MgmtNone}, {"新华小区", 1995, estate.MgmtProfessional}, {"东风苑", 1985, estate.MgmtSelf}} {
			est := &estate.Estate{JurisdictionID: f.community.ID, Code: "P" + strconv.Itoa(i+1), Name: e.name, YearBuilt: e.year, Management: e.mgmt, Status: estate.StatusCandidate}
			if err := f.p.Reg.Estates().Create(sysCtx(), est); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, est.ID)
		}

		rec, body := f.do(t, f.bureau, "GET", "/priority", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "本市还没有权重方案", `href="/priority/weights"`, `href="/priority"`, "优先排序")

		// Only bureaus and admins edit weight sets.
		rec, body = f.do(t, f.officer, "GET", "/priority/weights", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, `id="weights-form"`)
		rec, body = f.do(t, f.officer, "POST", "/priority/weights", url.Values{"name": {"x"}, "method": {"manual"}, "keys": {"building_age"}, "w_building_age": {"1"}})
		wantStatus(t, rec, body, http.StatusForbidden)

		// Manual weights, on any scale.
		rec, body = f.do(t, f.bureau, "GET", "/priority/weights?method=manual&keys=management_after&keys=building_age", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `name="w_building_age"`, `name="w_management_after"`, `name="keys" value="building_age"`)
		manual := url.Values{"name": {"房龄为主"}, "method": {"manual"}, "keys": {"building_age", "management_after"},
			"w_building_age": {"90"}, "w_management_after": {"10"}}
		rec, _ = f.do(t, f.bureau, "POST", "/priority/weights", manual)
		loc := rec.Header().Get("Location")
		m := regexp.MustCompile(`^/priority\?flash=priority_saved&ws=(\d+)$`).FindStringSubmatch(loc)
		if rec.Code != http.StatusSeeOther || m == nil {
			t.Fatalf("save manual: %d %q", rec.Code, loc)
		}
		ws := m[1]
		rec, body = f.do(t, f.bureau, "GET", "/priority?ws="+ws, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `<svg class="bar"`, `id="ranking"`, "0.900")
		// The oldest estate first.
		if i, j := strings.Index(body, "老旧一村"), strings.Index(body, "新华小区"); i < 0 || j < i {
			t.Errorf("order: 老旧一村 at %d, 新华小区 at %d", i, j)
		}
		rank1 := between(body, `<td class="estate">`, `</td>`)
		// Management weighed far more: the professionally managed estate first.
		manual.Set("id", ws)
		manual.Set("w_management_after", "1000")
		rec, _ = f.do(t, f.bureau, "POST", "/priority/weights", manual)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("update: %d", rec.Code)
		}
		_, body = f.do(t, f.bureau, "GET", "/priority?ws="+ws+"&model=weighted_sum", nil)
		if got := between(body, `<td class="estate">`, `</td>`); got == rank1 || !strings.Contains(got, "新华小区") {
			t.Errorf("first after reweighting: %q (was %q)", got, rank1)
		}

		// AHP: an inconsistent matrix is refused with the reason beside it.
		ahp := url.Values{"name": {"含安全隐患"}, "method": {"ahp"}, "keys": {"building_age", "safety_hazards", "management_after"},
			"a_0_1": {"9"}, "a_0_2": {"1/9"}, "a_1_2": {"9"}}
		rec, body = f.do(t, f.bureau, "POST", "/priority/weights", ahp)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="ahp-check"`, "不能保存", "最不一致的一对", `<span class="muted">1/9</span>`)
		ahp.Set("a_0_2", "3")
		ahp.Set("a_1_2", "1")
		ahp.Set("a_0_1", "2")
		ahp.Set("action", "check")
		rec, body = f.do(t, f.bureau, "POST", "/priority/weights", ahp)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "一致性可以接受", `<option value="2" selected>`)
		ahp.Set("action", "save")
		rec, _ = f.do(t, f.bureau, "POST", "/priority/weights", ahp)
		m = regexp.MustCompile(`ws=(\d+)`).FindStringSubmatch(rec.Header().Get("Location"))
		if rec.Code != http.StatusSeeOther || m == nil {
			t.Fatalf("save ahp: %d", rec.Code)
		}
		ahpWS := m[1]
		// Nobody has safety hazards yet: every estate is listed as missing them.
		_, body = f.do(t, f.officer, "GET", "/priority?ws="+ahpWS, nil)
		wantContains(t, body, "缺少数据的小区（3 个", "安全隐患", `href="/priority/values?estate=`+strconv.FormatInt(ids[0], 10)+`"`)
		wantAbsent(t, body, `id="ranking"`)

		// Entering values for each estate.
		rec, body = f.do(t, f.officer, "POST", "/priority/values", url.Values{"estate": {strconv.FormatInt(ids[0], 10)}, "v_safety_hazards": {"很多"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "须为数字", `aria-invalid="true"`)
		for i, id := range ids {
			rec, _ = f.do(t, f.officer, "POST", "/priority/values", url.Values{"estate": {strconv.FormatInt(id, 10)},
				"v_safety_hazards": {strconv.Itoa(i + 1)}, "s_safety_hazards": {"survey"}})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("enter: %d", rec.Code)
			}
		}
		_, body = f.do(t, f.officer, "GET", "/priority?ws="+ahpWS, nil)
		wantContains(t, body, `id="ranking"`)
		wantAbsent(t, body, `id="missing"`)
		rec, body = f.do(t, f.officer, "GET", "/priority/estates/"+strconv.FormatInt(ids[1], 10)+"?ws="+ahpWS, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `id="contributions"`, `id="sensitivity"`, "新华小区", "敏感性分析", `href="/priority?ws=`+ahpWS+`&model=topsis"`)

		// Template, export and an import naming the bad cell.
		rec, body = f.do(t, f.officer, "GET", "/priority/values/template.xlsx", nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(body, "PK") {
			t.Errorf("template: %d", rec.Code)
		}
		rec, body = f.do(t, f.officer, "GET", "/priority/values/export.xlsx", nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(body, "PK") {
			t.Errorf("export: %d", rec.Code)
		}
		upload := func(csv string) (*httptest.ResponseRecorder, string) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("csrf", adminTestCSRF)
			fw, _ := mw.CreateFormFile("file", "values.csv")
			fw.Write([]byte(csv))
			mw.Close()
			req := httptest.NewRequest("POST", "/priority/values/import", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req = req.WithContext(huanxin.NewContextWithActor(req.Context(), f.officer))
			rec := httptest.NewRecorder()
			f.mux.ServeHTTP(rec, req)
			return rec, rec.Body.String()
		}
		rec, body = upload("小区编码,历史文化价值(分(0–100))\nP1,80\nP2,180\n")
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="import-errors"`, "第 3 行 B 列", "不能超过 100")
		rec, _ = upload("小区编码,历史文化价值(分(0–100))\nP1,80\nP2,20\n")
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("import: %d", rec.Code)
		}
		_, body = f.do(t, f.officer, "GET", "/priority/values", nil)
		wantContains(t, body, `<td class="num">80</td>`, `<td class="num">20</td>`)
	})
}
