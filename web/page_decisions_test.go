package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestDecisionPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		f.p.Files = &file.Service{Store: db, Register: f.p.Reg}
		f.p.Decisions = &decision.Service{Store: db, Register: f.p.Reg, Files: f.p.Files}
		ctx := sysCtx()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		e := &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0100", Name: "纺织新村", YearBuilt: 1985}
		must(f.p.Reg.Estates().Create(ctx, e))
		b := &estate.Building{EstateID: e.ID, No: "2", Floors: 6}
		must(f.p.Reg.Buildings().Create(ctx, b))
		w := &estate.Stairwell{BuildingID: b.ID, No: "1"}
		must(f.p.Reg.Stairwells().Create(ctx, w))
		var parts []*estate.Part
		var owners []*estate.Owner
		for i, area := range []huanxin.Area{8000, 6000} {
			pt := &estate.Part{StairwellID: w.ID, Floor: i + 1, Room: strconv.Itoa(i+1) + "01", Area: area, Sold: true, Delivered: true}
			must(f.p.Reg.Parts().Create(ctx, pt))
			o := &estate.Owner{Kind: estate.OwnerPerson, Name: "业主" + strconv.Itoa(i), IDNumber: []string{"110105194912310011", "110105194912310022"}[i]}
			must(db.CreateOwner(ctx, o))
			must(db.CreateOwnership(ctx, &estate.Ownership{CityID: pt.CityID, EstateID: e.ID, PartID: pt.ID, OwnerID: o.ID,
				Representative: true, ShareNum: 1, ShareDen: 1}))
			parts = append(parts, pt)
			owners = append(owners, o)
		}
		eid := strconv.FormatInt(e.ID, 10)
		// Votes may open at once in this city.
		must(db.SetCitySettings(ctx, e.CityID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1))

		// The form lists the scope choices and the items with their rules.
		rec, body := f.do(t, f.officer, "GET", "/estates/"+eid+"/decisions/new", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="/estates/`+eid+`/decisions"`, `name="csrf" value="`+adminTestCSRF+`"`,
			"第7项 改建重建（含加装电梯）：参与表决面积、人数均须≥2/3，同意须≥3/4",
			`<option value="`+strconv.FormatInt(w.ID, 10)+`">2幢 1单元</option>`, `name="matter_title_4"`)

		// A contractor may not create one.
		form := url.Values{"title": {"2幢1单元加装电梯"}, "description": {"拟加装电梯一部"}, "scope_kind": {"stairwell"},
			"stairwell_id": {strconv.FormatInt(w.ID, 10)}, "notice_days": {"0"},
			"matter_title_0": {"加装电梯"}, "matter_item_0": {"7"}, "matter_extra_label_0": {"一层业主全部同意"},
			"matter_extra_rule_0": {"all_agree"}, "matter_extra_floors_0": {"1"},
			"matter_title_2": {"是否同意分摊"}, "matter_item_2": {"0"}}
		for _, c := range []struct{ method, target string }{{"GET", "/estates/" + eid + "/decisions/new"}, {"POST", "/estates/" + eid + "/decisions"}} {
			rec, body = f.do(t, f.as(huanxin.RoleContractor), c.method, c.target, url.Values(cloneValues(form, c.method)))
			if rec.Code != http.StatusForbidden {
				t.Errorf("contractor %s %s: %d\n%s", c.method, c.target, rec.Code, body)
			}
		}

		// A missing title of a filled row is shown next to that row.
		bad := cloneValues(form, "POST")
		bad.Set("matter_title_2", "")
		rec, body = f.do(t, f.officer, "POST", "/estates/"+eid+"/decisions", bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="m-title-2-err"`, `value="2幢1单元加装电梯"`)

		rec, body = f.do(t, f.officer, "POST", "/estates/"+eid+"/decisions", cloneValues(form, "POST"))
		ds, err := f.p.Decisions.List(huanxin.NewContextWithActor(context.Background(), f.officer), e.ID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("decision not created: %v %v\n%s", ds, err, body)
		}
		d := ds[0]
		did := strconv.FormatInt(d.ID, 10)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/decisions/"+did+"?flash=decision_saved")
		if d.ScopeKind != decision.ScopeStairwell || len(d.Matters) != 2 || d.Matters[0].Item != decision.ItemRebuild || d.Matters[1].Item != decision.Consultation ||
			len(d.Matters[0].Extra) != 1 || d.Matters[0].Extra[0].Rule != decision.ExtraAllAgree || d.Matters[0].Extra[0].Floors[0] != 1 {
			t.Fatalf("stored %+v", d)
		}

		rec, body = f.do(t, f.officer, "GET", "/decisions", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/decisions/`+did+`"`, "草案", "新建表决")

		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="/decisions/`+did+`/publish"`, "发布公告", "2幢 1单元", "以先投者为准", "选票一经提交不可更改",
			`action="/decisions/`+did+`/documents"`)
		wantAbsent(t, body, `/open"`, `/ballots"`)
		// A document is attached while the decision is a draft.
		pdf := []byte("%PDF-1.4\n% plan\n%%EOF\n")
		rec, body = f.doMultipart(t, f.officer, "/decisions/"+did+"/documents", url.Values{"title": {"加装电梯方案"}}, "file", "plan.pdf", pdf)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/decisions/"+did+"?flash=document_added#docs-h")
		docs, err := f.p.Decisions.Documents(huanxin.NewContextWithActor(context.Background(), f.officer), d.ID)
		if err != nil || len(docs) != 1 || docs[0].Title != "加装电梯方案" {
			t.Fatalf("documents %+v %v", docs, err)
		}
		planSum := sha256.Sum256(pdf)
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did, nil)
		wantContains(t, body, "加装电梯方案", hex.EncodeToString(planSum[:]))
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did+"/documents/"+strconv.FormatInt(docs[0].FileID, 10), nil)
		wantStatus(t, rec, body, http.StatusOK)
		if body != string(pdf) || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("document download: %q %q", rec.Header(), body)
		}

		rec, body = f.do(t, f.officer, "POST", "/decisions/"+did+"/publish", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/decisions/"+did+"?flash=decision_publish")
		rec, body = f.do(t, f.officer, "POST", "/decisions/"+did+"/open", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/decisions/"+did+"?flash=decision_open")
		rec, body = f.do(t, f.officer, "POST", "/decisions/"+did+"/publish", url.Values{})
		wantStatus(t, rec, body, http.StatusBadRequest)

		// Open: the paper-ballot form and the turnout, but no choices yet.
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="/decisions/`+did+`/close"`, "结束投票", `action="/decisions/`+did+`/ballots"`,
			`<option value="onsite">现场投票</option>`, `name="authorisation"`, "已收到 0 张选票", "参与人数 0 / 2", `id="turnout-table"`, "幢</th>")
		if strings.Contains(body, "同意人数") {
			t.Error("the running result is shown while the vote is open")
		}

		// A resident votes online and gets a receipt code once.
		res := &huanxin.Actor{UserID: 9001, Name: "业主0", Role: huanxin.RoleResident, OwnerID: owners[0].ID, Scope: huanxin.Scope{PartIDs: []int64{parts[0].ID}}}
		rec, body = f.do(t, res, "GET", "/my", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "正在表决", `href="/vote/`+did+`"`)
		rec, body = f.do(t, res, "GET", "/vote/"+did, nil)
		wantStatus(t, rec, body, http.StatusOK)
		m0, m1 := strconv.FormatInt(int64(d.Matters[0].ID), 10), strconv.FormatInt(int64(d.Matters[1].ID), 10)
		wantContains(t, body, `class="resident`, "<fieldset", "<legend>", `name="m_`+m0+`" value="1"`, "同意", "反对", "弃权", `action="/vote/`+did+`"`)
		rec, body = f.do(t, res, "POST", "/vote/"+did, url.Values{"m_" + m0: {"1"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "请对每一项事项作出选择")
		rec, body = f.do(t, res, "POST", "/vote/"+did, url.Values{"m_" + m0: {"1"}, "m_" + m1: {"2"}})
		wantStatus(t, rec, body, http.StatusOK)
		code := regexp.MustCompile(`<strong>([A-Z2-7]{16})</strong>`).FindStringSubmatch(body)
		if code == nil {
			t.Fatalf("no receipt code:\n%s", body)
		}
		wantContains(t, body, "回执码", "只显示这一次")
		rec, body = f.do(t, res, "POST", "/vote/"+did, url.Values{"m_" + m0: {"2"}, "m_" + m1: {"2"}})
		wantStatus(t, rec, body, http.StatusConflict)

		rec, body = f.do(t, res, "GET", "/receipt?code="+url.QueryEscape(code[1]), nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "选票已记录", "2幢1单元加装电梯", "线上", "<dt>加装电梯</dt><dd>同意</dd>", "<dt>是否同意分摊</dt><dd>反对</dd>")
		rec, body = f.do(t, res, "GET", "/receipt?code=AAAAAAAAAAAAAAAA", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "未找到该回执码")
		rec, _ = f.do(t, res, "POST", "/decisions/"+did+"/close", url.Values{})
		if rec.Code != http.StatusForbidden {
			t.Errorf("resident closing: %d", rec.Code)
		}

		// The officer enters the other owner's paper ballot with a scan: the
		// first entry is pending and not counted.
		person1 := personOf(t, db, d.ID, parts[1].ID)
		paper := url.Values{"person": {person1}, "collection": {"onsite"}, "m_" + m0: {"1"}, "m_" + m1: {"3"}}
		scan := []byte("\xff\xd8\xff\xe0 scan of the ballot")
		rec, body = f.doMultipart(t, f.officer, "/decisions/"+did+"/ballots", paper, "scan", "ballot.jpg", scan)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "纸质选票首次录入已保存", "待复核纸质选票：1 张", "参与人数 1 / 2", "待复核与不一致的纸质选票",
			`href="/decisions/`+did+`?confirm=`+strings.ReplaceAll(person1, ":", "%3a")+`#paper-h"`, "<td>"+f.officer.Name+" ")
		wantAbsent(t, body, `class="receipt-code"`)
		stored, err := db.FindBallot(sysCtx(), d.ID, decision.PersonID(person1), decision.ChannelPaper)
		if sum := sha256.Sum256(scan); err != nil || stored.State != decision.BallotPending || stored.ScanFileID == 0 ||
			stored.ScanSHA256 != hex.EncodeToString(sum[:]) || stored.ScanName != "ballot.jpg" {
			t.Fatalf("pending ballot %+v %v", stored, err)
		}
		// The confirming form names the person and shows none of the first
		// entry's choices.
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did+"?confirm="+url.QueryEscape(person1), nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "第二人复核录入", `<input type="hidden" name="person" value="`+person1+`">`, `enctype="multipart/form-data"`)
		wantAbsent(t, body, "checked", "selected")
		// The same officer cannot confirm it.
		rec, body = f.do(t, f.officer, "POST", "/decisions/"+did+"/ballots", cloneValues(paper, "POST"))
		wantStatus(t, rec, body, http.StatusForbidden)
		// Another officer's matching entry counts it; both agree on the
		// rebuild: 2/2 persons and 140/140 m², so it passes.
		second := &huanxin.Actor{UserID: f.officer.UserID + 1000, Name: "李复核", Role: huanxin.RoleCommunity, Scope: f.officer.Scope}
		rec, body = f.do(t, second, "POST", "/decisions/"+did+"/ballots", cloneValues(paper, "POST"))
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "纸质选票已录入", "参与人数 2 / 2")
		wantAbsent(t, body, "待复核纸质选票")
		if !regexp.MustCompile(`<strong class="receipt-code">[A-Z2-7]{16}</strong>`).MatchString(body) {
			t.Errorf("no receipt code for the paper ballot")
		}
		for _, a := range []string{"close", "announce"} {
			rec, _ = f.do(t, f.officer, "POST", "/decisions/"+did+"/"+a, url.Values{})
			wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/decisions/"+did+"?flash=decision_"+a)
		}
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did+"?flash=decision_announce", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "已公布结果。", "确认生效", "<td class=\"num\">140.00</td>", "100.00%", "通过", "✓",
			"参与面积", "同意人数", "≥ 2/3", "≥ 3/4", "征求意见", "一层业主全部同意", "受影响业主 1 人，同意 1 人",
			`href="/decisions/`+did+`/result.xlsx"`)
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did+"/result.xlsx", nil)
		wantStatus(t, rec, body, http.StatusOK)
		if !strings.HasPrefix(body, "PK") || !strings.Contains(rec.Header().Get("Content-Disposition"), "result.xlsx") {
			t.Fatalf("result is not an xlsx download: %q", rec.Header())
		}
		// The printable public notice of the announced result.
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did+"/notice", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "业主共同决定结果公示", "公示期内", "≥ 2/3", "通过")
		// The anonymised ballot register downloads as xlsx with one row per ballot.
		rec, body = f.do(t, f.officer, "GET", "/decisions/"+did+"/ballots.xlsx", nil)
		wantStatus(t, rec, body, http.StatusOK)
		if !strings.HasPrefix(body, "PK") || !strings.Contains(rec.Header().Get("Content-Disposition"), "ballots.xlsx") {
			t.Fatalf("ballot register is not an xlsx download: %q", rec.Header())
		}
	})
}

// doMultipart posts a multipart form with one file.
func (f *adminFixture) doMultipart(t *testing.T, a *huanxin.Actor, target string, form url.Values, field, name string, file []byte) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	form.Set("csrf", adminTestCSRF)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req = req.WithContext(huanxin.NewContextWithActor(req.Context(), a))
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	return rec, rec.Body.String()
}

// cloneValues copies a form for a POST, or gives nil for a GET.
func cloneValues(v url.Values, method string) url.Values {
	if method == "GET" {
		return nil
	}
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// personOf finds the voting person of a part in a decision's electorate.
func personOf(t *testing.T, db *store.DB, id, part int64) string {
	t.Helper()
	e, err := db.Electorate(sysCtx(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range e.Voters {
		for _, p := range v.Parts {
			if p.PartID == part {
				return string(v.ID)
			}
		}
	}
	t.Fatalf("part %d not in the electorate", part)
	return ""
}
