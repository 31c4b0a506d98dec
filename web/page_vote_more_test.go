package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// voteEstate is an estate of one stairwell with two sold parts, each with
// an owner, and a resident account for each owner.
type voteEstate struct {
	e         *estate.Estate
	parts     []*estate.Part
	residents []*huanxin.Actor
}

func newVoteEstate(t *testing.T, f *adminFixture, db *store.DB, code string) voteEstate {
	t.Helper()
	ctx := sysCtx()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	v := voteEstate{e: &estate.Estate{JurisdictionID: f.community.ID, Code: code, Name: "纺织新村" + code, YearBuilt: 1985}}
	must(f.p.Reg.Estates().Create(ctx, v.e))
	b := &estate.Building{EstateID: v.e.ID, No: "2", Floors: 6}
	must(f.p.Reg.Buildings().Create(ctx, b))
	w := &estate.Stairwell{BuildingID: b.ID, No: "1"}
	must(f.p.Reg.Stairwells().Create(ctx, w))
	for i, area := range []huanxin.Area{8000, 6000} {
		pt := &estate.Part{StairwellID: w.ID, Floor: i + 1, Room: strconv.Itoa(i+1) + "01", Area: area, Sold: true, Delivered: true}
		must(f.p.Reg.Parts().Create(ctx, pt))
		o := &estate.Owner{Kind: estate.OwnerPerson, Name: "业主" + strconv.Itoa(i), IDNumber: []string{"110105194912310011", "110105194912310022"}[i]}
		must(db.CreateOwner(ctx, o))
		must(db.CreateOwnership(ctx, &estate.Ownership{CityID: pt.CityID, EstateID: v.e.ID, PartID: pt.ID, OwnerID: o.ID,
			Representative: true, ShareNum: 1, ShareDen: 1}))
		v.parts = append(v.parts, pt)
		v.residents = append(v.residents, &huanxin.Actor{UserID: 9001 + int64(i), Name: o.Name, Role: huanxin.RoleResident,
			OwnerID: o.ID, Scope: huanxin.Scope{PartIDs: []int64{pt.ID}}})
	}
	return v
}

// openDecision creates a decision of one matter over the whole estate,
// attaches the documents, publishes and opens it.
func openDecision(t *testing.T, f *adminFixture, estateID int64, title string, docs ...int64) *decision.Decision {
	t.Helper()
	ctx := huanxin.NewContextWithActor(context.Background(), f.officer)
	d := &decision.Decision{EstateID: estateID, Title: title, ScopeKind: decision.ScopeEstate,
		Matters: []decision.Matter{{Item: decision.Consultation, Title: "是否同意改造方案"}}}
	if err := f.p.Decisions.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, id := range docs {
		if _, err := f.p.Decisions.AddDocument(ctx, d.ID, id, "改造方案图"); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []func(context.Context, int64) error{f.p.Decisions.Publish, f.p.Decisions.Open} {
		if err := step(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	d, err := f.p.Decisions.Get(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var receiptCodeRe = regexp.MustCompile(`<strong>([A-Z2-7]{16})</strong>`)

func TestVotePagesMore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		f := newAdminFixture(t, db)
		var skew atomic.Int64 // days the decisions' clock is ahead
		files := &file.Service{Store: db, Register: f.p.Reg}
		f.p.Decisions = &decision.Service{Store: db, Register: f.p.Reg, Files: files,
			Now: func() time.Time { return time.Now().AddDate(0, 0, int(skew.Load())) }}
		v := newVoteEstate(t, f, db, "XH-0200")
		res, other := v.residents[0], v.residents[1]
		bureau := huanxin.NewContextWithActor(context.Background(), f.bureau)
		officer := huanxin.NewContextWithActor(context.Background(), f.officer)
		setRules := func(allowChange bool) {
			t.Helper()
			if err := f.p.Decisions.SetRules(bureau, f.city.CityID, decision.Rules{MinNoticeDays: 0, ObjectionDays: 7,
				Conflict: decision.ConflictFirst, AllowChange: allowChange}); err != nil {
				t.Fatal(err)
			}
		}

		// The plan as a PDF, attached to a decision that allows changes.
		setRules(true)
		pdf := []byte("%PDF-1.4\n% 改造方案\n%%EOF\n")
		doc, err := files.Put(officer, v.e.ID, "改造方案 2024.pdf", bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pdf)
		sha := hex.EncodeToString(sum[:])
		d := openDecision(t, f, v.e.ID, "加装电梯方案", doc.ID)
		did, fid := strconv.FormatInt(d.ID, 10), strconv.FormatInt(doc.ID, 10)
		m := "m_" + strconv.FormatInt(int64(d.Matters[0].ID), 10)

		// The owner sees the documents with their checksums.
		rec, body := f.do(t, res, "GET", "/vote/"+did, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `<h2 id="docs-h">表决材料</h2>`, `href="/vote/`+did+`/documents/`+fid+`"`, "改造方案图", "校验码",
			"<code>"+sha[:8]+"<wbr>"+sha[8:16]+"<wbr>", sha[56:]+"</code>", `action="/vote/`+did+`"`, "提交投票")
		wantAbsent(t, body, "您已经投过票了")

		// … and downloads one: the bytes, its type and UTF-8 name, no sniffing.
		rec, body = f.do(t, res, "GET", "/vote/"+did+"/documents/"+fid, nil)
		wantStatus(t, rec, body, http.StatusOK)
		if body != string(pdf) {
			t.Errorf("document bytes %q", body)
		}
		h := rec.Header()
		if h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Disposition") != api.ContentDisposition("inline", doc.Name) ||
			!strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''%E6%94%B9") {
			t.Errorf("document headers %v", h)
		}
		// A file that is not a document of the decision is not served.
		rec, body = f.do(t, res, "GET", "/vote/"+did+"/documents/"+strconv.FormatInt(doc.ID+1000, 10), nil)
		wantStatus(t, rec, body, http.StatusNotFound)

		// The owner votes, and may change the ballot as the decision allows.
		rec, body = f.do(t, res, "POST", "/vote/"+did, url.Values{m: {"2"}})
		wantStatus(t, rec, body, http.StatusOK)
		first := receiptCodeRe.FindStringSubmatch(body)
		if first == nil {
			t.Fatalf("no receipt code:\n%s", body)
		}
		wantAbsent(t, body, "您的选票已更改")
		rec, body = f.do(t, res, "GET", "/vote/"+did, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "您已经投过票了", "允许在投票结束前更改选票", `action="/vote/`+did+`"`, "更改我的选票")
		rec, body = f.do(t, res, "POST", "/vote/"+did, url.Values{m: {"1"}})
		wantStatus(t, rec, body, http.StatusOK)
		second := receiptCodeRe.FindStringSubmatch(body)
		if second == nil || second[1] == first[1] {
			t.Fatalf("no new receipt code (first %s):\n%s", first[1], body)
		}
		wantContains(t, body, "您的选票已更改", "原来的回执码现在核对时会显示该选票已被更改")

		// The old code shows its ballot was replaced; the new one counts.
		rec, body = f.do(t, res, "GET", "/receipt?code="+first[1], nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "此选票已被更改", "此回执对应的选票已于", "被更改，以新选票为准", "<dd>反对</dd>")
		wantAbsent(t, body, "选票已记录，将计入统计")
		rec, body = f.do(t, res, "GET", "/receipt?code="+second[1], nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "选票已记录，将计入统计", "<dd>同意</dd>")
		wantAbsent(t, body, "被更改")

		// Where the city does not allow changes, a ballot is final.
		setRules(false)
		d2 := openDecision(t, f, v.e.ID, "外墙保温方案")
		did2 := strconv.FormatInt(d2.ID, 10)
		m2 := "m_" + strconv.FormatInt(int64(d2.Matters[0].ID), 10)
		rec, body = f.do(t, res, "GET", "/vote/"+did2, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, "docs-h", "您已经投过票了")
		rec, body = f.do(t, res, "POST", "/vote/"+did2, url.Values{m2: {"1"}})
		wantStatus(t, rec, body, http.StatusOK)
		rec, body = f.do(t, res, "GET", "/vote/"+did2, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "您已经投过票了", "选票提交后不能更改")
		wantAbsent(t, body, `action="/vote/`+did2+`"`, "更改我的选票")
		rec, body = f.do(t, res, "POST", "/vote/"+did2, url.Values{m2: {"2"}})
		wantStatus(t, rec, body, http.StatusConflict)
		wantContains(t, body, "选票提交后不能更改")
		// The other owner has not voted: the form, without the notice.
		rec, body = f.do(t, other, "GET", "/vote/"+did2, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="/vote/`+did2+`"`, "提交投票")
		wantAbsent(t, body, "您已经投过票了")

		// The first decision's result is announced: the objection period.
		for _, step := range []func(context.Context, int64) error{f.p.Decisions.Close, f.p.Decisions.Announce} {
			if err := step(officer, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		rec, body = f.do(t, res, "GET", "/vote", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "结果公示中", `href="/vote/`+did+`#result-h"`, "加装电梯方案")
		rec, body = f.do(t, res, "GET", "/vote/"+did, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/decisions/`+did+`/notice"`, "查看结果公示", "公示期至", `action="/vote/`+did+`/objections"`,
			`<textarea id="ob-body" name="body"`, `maxlength="5000"`, "目前没有异议", "表决材料")
		wantAbsent(t, body, `action="/vote/`+did+`"`)
		rec, body = f.do(t, res, "GET", "/decisions/"+did+"/notice", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "业主共同决定结果公示")
		// An empty objection is shown next to the field.
		rec, body = f.do(t, res, "POST", "/vote/"+did+"/objections", url.Values{"body": {"  "}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="ob-body-err"`, "请填写异议内容", `aria-invalid="true"`)
		long := strings.Repeat("异", 5001)
		rec, body = f.do(t, res, "POST", "/vote/"+did+"/objections", url.Values{"body": {long}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="ob-body-err"`, "5000 字以内")
		rec, body = f.do(t, res, "POST", "/vote/"+did+"/objections", url.Values{"body": {"请公布纸质票的扫描件"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/vote/"+did+"?flash=objection_raised#objections-h")
		os, err := f.p.Decisions.Objections(officer, d.ID)
		if err != nil || len(os) != 1 || os[0].Body != "请公布纸质票的扫描件" || os[0].RaisedBy != res.UserID {
			t.Fatalf("objections %+v %v", os, err)
		}
		if _, err := f.p.Decisions.Answer(officer, d.ID, os[0].ID, "扫描件已在公示栏张贴"); err != nil {
			t.Fatal(err)
		}
		rec, body = f.do(t, other, "GET", "/vote/"+did+"?flash=objection_raised", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "请公布纸质票的扫描件", "扫描件已在公示栏张贴", "工作人员于", `action="/vote/`+did+`/objections"`)

		// After the period: the list only.
		skew.Store(8)
		rec, body = f.do(t, res, "GET", "/vote/"+did, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "请公布纸质票的扫描件", "扫描件已在公示栏张贴", "公示期已于", "查看结果公示")
		wantAbsent(t, body, `action="/vote/`+did+`/objections"`, "公示期至")
		rec, body = f.do(t, res, "POST", "/vote/"+did+"/objections", url.Values{"body": {"还有异议"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		if os, _ := f.p.Decisions.Objections(officer, d.ID); len(os) != 1 {
			t.Errorf("objection stored after the period: %+v", os)
		}
		rec, body = f.do(t, res, "GET", "/vote", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, "结果公示中")
	})
}
