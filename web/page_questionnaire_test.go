package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/questionnaire"
	"github.com/huanxin/huanxin/store"
	"github.com/xuri/excelize/v2"
)

// qnWorld is an estate of two buildings with four households, the first
// and the last held by one owner, and the pages with questionnaires.
type qnWorld struct {
	*adminFixture
	estate    *estate.Estate
	buildings []*estate.Building
	parts     []*estate.Part
	resident  *huanxin.Actor // owner of parts 0 and 3
}

func newQnWorld(t *testing.T, db *store.DB) *qnWorld {
	t.Helper()
	f := newAdminFixture(t, db)
	f.p.Questionnaires = &questionnaire.Service{Store: db, Register: f.p.Reg, Hash: testdb.Keys().Hash,
		Catalogue: &planning.CatalogueService{Store: db, Register: f.p.Reg}}
	ctx := sysCtx()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &qnWorld{adminFixture: f}
	w.estate = &estate.Estate{JurisdictionID: f.community.ID, Code: "XH-0200", Name: "丝绸新村", YearBuilt: 1988}
	must(f.p.Reg.Estates().Create(ctx, w.estate))
	var owners []*estate.Owner
	for i, plan := range []struct {
		building int
		area     huanxin.Area
	}{{0, 8000}, {0, 6000}, {1, 5000}, {1, 7000}} {
		if plan.building == len(w.buildings) {
			b := &estate.Building{EstateID: w.estate.ID, No: strconv.Itoa(plan.building + 2), Floors: 6}
			must(f.p.Reg.Buildings().Create(ctx, b))
			w.buildings = append(w.buildings, b)
			must(f.p.Reg.Stairwells().Create(ctx, &estate.Stairwell{BuildingID: b.ID, No: "1"}))
		}
		b := w.buildings[plan.building]
		ss, _, err := f.p.Reg.Stairwells().Find(ctx, estate.Filter{BuildingID: &b.ID})
		must(err)
		pt := &estate.Part{StairwellID: ss[0].ID, Floor: i + 1, Room: strconv.Itoa(i+1) + "01", Area: plan.area, Sold: true, Delivered: true}
		must(f.p.Reg.Parts().Create(ctx, pt))
		w.parts = append(w.parts, pt)
		if i < 3 {
			o := &estate.Owner{Kind: estate.OwnerPerson, Name: "业主" + strconv.Itoa(i), IDNumber: "QN-TEST-" + strconv.Itoa(i)}
			must(db.CreateOwner(ctx, o))
			owners = append(owners, o)
		}
		owner := owners[0] // the last household is the first owner's second home
		if i < 3 {
			owner = owners[i]
		}
		must(db.CreateOwnership(ctx, &estate.Ownership{CityID: pt.CityID, EstateID: w.estate.ID, PartID: pt.ID,
			OwnerID: owner.ID, Representative: true, ShareNum: 1, ShareDen: 1}))
	}
	w.resident = &huanxin.Actor{UserID: 9001, Name: "业主0", Role: huanxin.RoleResident, OwnerID: owners[0].ID,
		Scope: huanxin.Scope{PartIDs: []int64{w.parts[0].ID, w.parts[3].ID}}}
	return w
}

func (w *qnWorld) list(t *testing.T) []*questionnaire.Questionnaire {
	t.Helper()
	qs, err := w.p.Questionnaires.List(huanxin.NewContextWithActor(context.Background(), w.officer), w.estate.ID)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func TestQuestionnaireBuilder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newQnWorld(t, db)
		eid := strconv.FormatInt(w.estate.ID, 10)
		rec, body := w.do(t, w.officer, "GET", "/questionnaires?estate="+eid, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/questionnaires/new?estate=`+eid+`"`, `action="/questionnaires/needs"`, "从改造内容清单生成需求问卷",
			`href="/questionnaires"`, "问卷调查")

		rec, body = w.do(t, w.officer, "GET", "/questionnaires/new?estate="+eid, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="/questionnaires"`, `name="estate_id" value="`+eid+`"`, `<option value="ranking">排序</option>`,
			`type="datetime-local"`)

		// A contractor may not build one.
		rec, _ = w.do(t, w.as(huanxin.RoleContractor), "POST", "/questionnaires", url.Values{"estate_id": {eid}})
		if rec.Code != http.StatusForbidden {
			t.Errorf("contractor creating: %d", rec.Code)
		}
		// Problems show next to their fields, with what was typed.
		bad := url.Values{"estate_id": {eid}, "title": {""}, "per": {"household"}, "kind": {"single"}, "q_title": {"是否满意"},
			"options": {"满意"}, "opens_at": {"2026-05-01T09:00"}, "closes_at": {"2026-04-01T09:00"}}
		rec, body = w.do(t, w.officer, "POST", "/questionnaires", bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="s-title-err"`, `id="q-options-err"`, "至少 2 项", `id="s-closes-err"`, "结束时间须晚于开始时间",
			`value="是否满意"`, `value="2026-05-01T09:00"`)

		good := url.Values{"estate_id": {eid}, "title": {"改造意愿调查"}, "intro": {"请每户填写一份"}, "per": {"household"},
			"kind": {"single"}, "q_title": {"是否同意加装电梯"}, "options": {"同意\n反对\n"}, "required": {"1"},
			"rows": {"ignored for a single choice"}, "scale": {"5"}}
		rec, body = w.do(t, w.officer, "POST", "/questionnaires", good)
		qs := w.list(t)
		if len(qs) != 1 {
			t.Fatalf("not created: %d\n%s", rec.Code, body)
		}
		q := qs[0]
		qid := strconv.FormatInt(q.ID, 10)
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+qid+"?flash=qn_saved")
		if q.Status != questionnaire.StatusDraft || len(q.Questions) != 1 || len(q.Questions[0].Options) != 2 || q.Questions[0].Rows != nil {
			t.Fatalf("stored %+v", q)
		}

		// Questions of every kind are added; the fields a kind does not use
		// are ignored.
		for _, add := range []url.Values{
			{"kind": {"multiple"}, "q_title": {"希望改造哪些"}, "options": {"道路\n照明\n绿化"}, "max_picks": {"2"}},
			{"kind": {"rating"}, "q_title": {"对物业满意度"}, "scale": {"10"}, "options": {"not used"}},
			{"kind": {"ranking"}, "q_title": {"优先顺序"}, "options": {"道路\n照明\n绿化\n停车"}, "max_picks": {"2"}},
			{"kind": {"matrix"}, "q_title": {"各项设施状况"}, "options": {"好\n差"}, "rows": {"道路\n照明"}, "required": {"1"}},
			{"kind": {"text"}, "q_title": {"其他意见"}},
			{"kind": {"text"}, "q_title": {"多余的题"}},
		} {
			rec, body = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/questions", add)
			wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+qid+"?flash=qn_question_added#questions-h")
		}
		rec, body = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/questions", url.Values{"kind": {"ranking"}, "q_title": {"排序"}, "options": {"只有一项"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `id="q-options-err"`, `<option value="ranking" selected>`, "只有一项")

		q = w.list(t)[0]
		ids := func() []string {
			var out []string
			for _, qu := range w.list(t)[0].Questions {
				out = append(out, qu.Title)
			}
			return out
		}
		last := strconv.Itoa(q.Questions[6].ID)
		rec, _ = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/questions/"+last+"/remove", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+qid+"?flash=qn_question_remove#questions-h")
		rec, _ = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/questions/"+strconv.Itoa(q.Questions[5].ID)+"/up", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+qid+"?flash=qn_question_up#questions-h")
		if got := ids(); !slices.Equal(got, []string{"是否同意加装电梯", "希望改造哪些", "对物业满意度", "优先顺序", "其他意见", "各项设施状况"}) {
			t.Fatalf("order after remove and up: %v", got)
		}
		rec, _ = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/questions/"+strconv.Itoa(q.Questions[5].ID)+"/down", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+qid+"?flash=qn_question_down#questions-h")

		rec, body = w.do(t, w.officer, "GET", "/questionnaires/"+qid+"?flash=qn_question_down", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "题目已下移", "各项设施状况", "排出前 2 名", "1–10 分", "最多选 2 项", `action="/questionnaires/`+qid+`/open"`,
			`aria-label="删除第6题"`, `action="/questionnaires/`+qid+`/questions"`)
		wantAbsent(t, body, `aria-label="第1题上移"`, `aria-label="第6题下移"`)

		// Settings change while a draft.
		rec, _ = w.do(t, w.officer, "POST", "/questionnaires/"+qid, url.Values{"title": {"加装电梯与环境改造意愿调查"}, "per": {"household"},
			"anonymous": {"1"}, "closes_at": {"2099-12-31T18:00"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+qid+"?flash=qn_saved")
		q = w.list(t)[0]
		if !q.Anonymous || q.Title != "加装电梯与环境改造意愿调查" || q.ClosesAt.In(huanxin.Shanghai).Format(qnTimeLayout) != "2099-12-31T18:00" {
			t.Fatalf("settings %+v", q)
		}

		rec, _ = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/open", url.Values{})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+qid+"?flash=qn_open")
		rec, body = w.do(t, w.officer, "GET", "/questionnaires/"+qid, nil)
		wantContains(t, body, "收集中", `href="/questionnaires/`+qid+`/paper"`, `href="/questionnaires/`+qid+`/results"`, `/close"`)
		wantAbsent(t, body, `/questions"`, `/remove"`)
		rec, body = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/questions", url.Values{"kind": {"text"}, "q_title": {"迟到的题"}})
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "不能再修改")

		// The needs questionnaire from the catalogue.
		rec, _ = w.do(t, w.officer, "POST", "/questionnaires/needs", url.Values{"estate_id": {eid}})
		qs = w.list(t)
		if len(qs) != 2 || !strings.Contains(qs[0].Title, "问需于民") || qs[0].Questions[1].Kind != questionnaire.KindRanking {
			t.Fatalf("needs questionnaire: %d %+v", rec.Code, qs[0])
		}
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), "/questionnaires/"+strconv.FormatInt(qs[0].ID, 10)+"?flash=qn_needs")
	})
}

// qnCreate stores an open questionnaire of every kind of question.
func (w *qnWorld) qnCreate(t *testing.T, anonymous bool) *questionnaire.Questionnaire {
	t.Helper()
	ctx := huanxin.NewContextWithActor(context.Background(), w.officer)
	q := &questionnaire.Questionnaire{EstateID: w.estate.ID, Title: "环境改造意愿", Anonymous: anonymous, Questions: []questionnaire.Question{
		{Kind: questionnaire.KindSingle, Title: "是否同意改造", Required: true, Options: []string{"同意", "反对"}},
		{Kind: questionnaire.KindMultiple, Title: "希望改造哪些", Options: []string{"道路", "照明", "绿化"}},
		{Kind: questionnaire.KindRating, Title: "满意度", Scale: 5},
		{Kind: questionnaire.KindRanking, Title: "优先顺序", Options: []string{"道路", "照明", "绿化", "停车"}, MaxPicks: 3},
		{Kind: questionnaire.KindMatrix, Title: "设施状况", Options: []string{"好", "差"}, Rows: []string{"道路", "照明"}},
		{Kind: questionnaire.KindText, Title: "其他意见"},
	}}
	if err := w.p.Questionnaires.Create(ctx, q); err != nil {
		t.Fatal(err)
	}
	if err := w.p.Questionnaires.Open(ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	return q
}

// answers is a full form of the questionnaire of qnCreate.
func answers(part int64) url.Values {
	return url.Values{"part_id": {strconv.FormatInt(part, 10)}, "q1": {"0"}, "q2": {"0", "1"}, "q3": {"4"},
		"q4_o1": {"1"}, "q4_o0": {"2"}, "q5_r0": {"1"}, "q5_r1": {"0"}, "q6": {"希望修好路灯"}}
}

func TestQuestionnaireAnswerAndPaper(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newQnWorld(t, db)
		q := w.qnCreate(t, false)
		qid := strconv.FormatInt(q.ID, 10)

		// The resident finds it from the menu and the list.
		rec, body := w.do(t, w.resident, "GET", "/my", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/answer"`)
		rec, body = w.do(t, w.resident, "GET", "/answer", nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `href="/answer/`+qid+`"`, "环境改造意愿", "点击填写", `class="resident`)

		// Every question with big choices; two households to choose from.
		rec, body = w.do(t, w.resident, "GET", "/answer/"+qid, nil)
		wantStatus(t, rec, body, http.StatusOK)
		p0, p3 := strconv.FormatInt(w.parts[0].ID, 10), strconv.FormatInt(w.parts[3].ID, 10)
		wantContains(t, body, `<label class="btn big" for="q1-0"><input type="radio" id="q1-0" name="q1" value="0">`,
			`type="checkbox" id="q2-1" name="q2" value="1"`, `name="q3" value="5"`, `<select id="q4-o3" name="q4_o3">`,
			`<option value="3">第3名</option>`, `name="q5_r1" value="1"`, `<textarea id="q6-text" name="q6"`,
			`id="home-`+p0+`" name="part_id" value="`+p0+`"`, `id="home-`+p3+`"`, "2幢 1单元 101", "3幢 1单元 401")
		wantAbsent(t, body, `<option value="4">第4名</option>`)

		// Problems are shown next to each question, with the answers kept.
		bad := answers(w.parts[0].ID)
		bad.Del("q1")
		bad.Set("q4_o2", "1")
		rec, body = w.do(t, w.resident, "POST", "/answer/"+qid, bad)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, `<p class="field-error" id="q1-err">第1题「是否同意改造」必答`, `<p class="field-error" id="q4-err">第1名只能给一项`,
			`aria-describedby="q4-err"`, "有些题目需要修改", `id="q2-1" name="q2" value="1" checked`, "希望修好路灯",
			`id="home-`+p0+`" name="part_id" value="`+p0+`" checked`)
		gap := answers(w.parts[0].ID)
		gap.Set("q4_o1", "1")
		gap.Set("q4_o0", "3")
		rec, body = w.do(t, w.resident, "POST", "/answer/"+qid, gap)
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "缺少第2名")
		if _, rs, _ := w.p.Questionnaires.Responses(huanxin.NewContextWithActor(context.Background(), w.officer), q.ID); len(rs) != 0 {
			t.Fatalf("a rejected form was stored: %d", len(rs))
		}

		// A thank-you with what was recorded.
		rec, body = w.do(t, w.resident, "POST", "/answer/"+qid, answers(w.parts[0].ID))
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "谢谢！您的问卷已提交", "<dd>同意</dd>", "<dd>道路、照明</dd>", "<dd>4 分（满分 5）</dd>", "<dd>1. 照明、2. 道路</dd>",
			"<dd>道路：差；照明：好</dd>", "<dd>希望修好路灯</dd>")
		// One per household: a second answer is refused clearly.
		rec, body = w.do(t, w.resident, "POST", "/answer/"+qid, answers(w.parts[0].ID))
		wantStatus(t, rec, body, http.StatusConflict)
		wantContains(t, body, "这一户已经提交过这份问卷，不能再次提交。")
		// The other household may still answer; the first is marked.
		rec, body = w.do(t, w.resident, "GET", "/answer/"+qid, nil)
		wantContains(t, body, `id="home-`+p0+`" name="part_id" value="`+p0+`" disabled`, "2幢 1单元 101（已填写）",
			`id="home-`+p3+`" name="part_id" value="`+p3+`" checked`)
		rec, body = w.do(t, w.resident, "POST", "/answer/"+qid, url.Values{"part_id": {p3}, "q1": {"1"}, "q3": {"2"}, "q4_o3": {"1"}})
		wantStatus(t, rec, body, http.StatusOK)
		rec, body = w.do(t, w.resident, "GET", "/answer/"+qid, nil)
		wantContains(t, body, "您家已经填写过这份问卷")
		// Another household's answer is not the resident's to give.
		rec, body = w.do(t, w.resident, "POST", "/answer/"+qid, answers(w.parts[1].ID))
		wantStatus(t, rec, body, http.StatusBadRequest)
		wantContains(t, body, "只能为自己的房屋填写")

		// Paper: choose the household, enter the same form, marked paper.
		rec, body = w.do(t, w.officer, "GET", "/questionnaires/"+qid+"/paper", nil)
		wantStatus(t, rec, body, http.StatusOK)
		p1 := strconv.FormatInt(w.parts[1].ID, 10)
		wantContains(t, body, `<select id="qp-part" name="part" required>`, `<option value="`+p1+`">2幢 1单元 201</option>`)
		wantAbsent(t, body, `name="q1"`)
		rec, body = w.do(t, w.officer, "GET", "/questionnaires/"+qid+"/paper?part="+p1, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `<input type="hidden" name="part_id" value="`+p1+`">`, "纸质录入", `name="q1"`, `action="/questionnaires/`+qid+`/paper"`)
		paper := url.Values{"part_id": {p1}, "q1": {"0"}, "q2": {"2"}, "q3": {"5"}, "q4_o2": {"1"}, "q6": {"路面坑洼，路灯不亮"}}
		rec, body = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/paper", paper)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "纸质问卷已录入", "<dd>绿化</dd>", `href="/questionnaires/`+qid+`/paper"`)
		rec, body = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/paper", paper)
		wantStatus(t, rec, body, http.StatusConflict)
		wantContains(t, body, "这一户已经提交过问卷（线上或纸质），不能再次录入。")
		rec, body = w.do(t, w.officer, "POST", "/questionnaires/"+qid+"/paper", url.Values{"part_id": {p0}, "q1": {"0"}})
		wantStatus(t, rec, body, http.StatusConflict)
		_, rs, err := w.p.Questionnaires.Responses(huanxin.NewContextWithActor(context.Background(), w.officer), q.ID)
		if err != nil || len(rs) != 3 || rs[2].Channel != questionnaire.ChannelPaper || rs[2].EnteredBy != w.officer.UserID || rs[2].PartID != w.parts[1].ID {
			t.Fatalf("responses %v %+v", err, rs)
		}
		// Residents answer online only; officers on paper only.
		rec, _ = w.do(t, w.resident, "POST", "/questionnaires/"+qid+"/paper", paper)
		if rec.Code != http.StatusForbidden {
			t.Errorf("resident entering paper: %d", rec.Code)
		}
		rec, _ = w.do(t, w.officer, "POST", "/answer/"+qid, answers(w.parts[2].ID))
		if rec.Code != http.StatusForbidden {
			t.Errorf("officer answering online: %d", rec.Code)
		}
	})
}

func TestQuestionnaireResultsAndExport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newQnWorld(t, db)
		q := w.qnCreate(t, false)
		qid := strconv.FormatInt(q.ID, 10)
		submit := func(a *huanxin.Actor, path string, v url.Values) {
			t.Helper()
			rec, body := w.do(t, a, "POST", path, v)
			wantStatus(t, rec, body, http.StatusOK)
		}
		submit(w.resident, "/answer/"+qid, answers(w.parts[0].ID))
		submit(w.officer, "/questionnaires/"+qid+"/paper", url.Values{"part_id": {strconv.FormatInt(w.parts[1].ID, 10)}, "q1": {"1"}, "q3": {"2"},
			"q4_o2": {"1"}, "q4_o1": {"2"}, "q6": {"楼道照明太暗"}})
		submit(w.officer, "/questionnaires/"+qid+"/paper", url.Values{"part_id": {strconv.FormatInt(w.parts[2].ID, 10)}, "q1": {"0"}, "q3": {"4"}})

		// Residents do not see results.
		rec, _ := w.do(t, w.resident, "GET", "/questionnaires/"+qid+"/results", nil)
		if rec.Code != http.StatusForbidden {
			t.Errorf("resident reading results: %d", rec.Code)
		}
		rec, body := w.do(t, w.officer, "GET", "/questionnaires/"+qid+"/results", nil)
		wantStatus(t, rec, body, http.StatusOK)
		// Charts drawn by the server, each with its table.
		if n := strings.Count(body, `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`); n != 4 {
			t.Errorf("%d charts, want 4 (pie, bars, distribution, Borda bars)", n)
		}
		wantContains(t, body, `role="img" aria-labelledby="qc-1-t qc-1-d"`, "<desc id=\"qc-1-d\">同意: 2 户; 反对: 1 户</desc>",
			"已有 3 户参与，房屋面积合计 190.00 ㎡；线上 1 份，纸质 2 份。",
			// single choice: households, share, area, area share
			`<tr><th scope="row">同意</th><td class="num">2</td><td class="num">66.7%</td><td class="num">130.00</td><td class="num">68.4%</td></tr>`,
			// ranking: Borda points (3 places: 3, 2, 1): 照明 3+2, 道路 2, 绿化 3
			`<tr><th scope="row">照明</th><td class="num">2</td><td class="num">100.0%</td><td class="num">140.00</td><td class="num">100.0%</td><td class="num">5</td></tr>`,
			"排序得分", "平均 3.33 分", `<th scope="col" class="num">好</th>`, "<td class=\"num\">1 户 / 80.00 ㎡</td>",
			"共 2 条文字答案", "楼道照明太暗", `href="/questionnaires/`+qid+`/results.xlsx"`, `href="/questionnaires/`+qid+`/responses.xlsx"`,
			`<option value="`+strconv.FormatInt(w.buildings[1].ID, 10)+`">3幢</option>`)
		// Per building: building 3 has the one household of 50 m².
		rec, body = w.do(t, w.officer, "GET", "/questionnaires/"+qid+"/results?building="+strconv.FormatInt(w.buildings[1].ID, 10), nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, "已有 1 户参与，房屋面积合计 50.00 ㎡；线上 0 份，纸质 1 份。", " selected>3幢</option>",
			`<tr><th scope="row">同意</th><td class="num">1</td><td class="num">100.0%</td><td class="num">50.00</td><td class="num">100.0%</td></tr>`)
		// Free text is searchable, ignoring full-width forms.
		rec, body = w.do(t, w.officer, "GET", "/questionnaires/"+qid+"/results?question=6&q="+url.QueryEscape("路灯"), nil)
		wantContains(t, body, "找到 1 条含“路灯”的答案", "希望修好路灯")
		wantAbsent(t, body, "楼道照明太暗")

		// xlsx of the results and of the responses.
		sheetOf := func(path string) (*excelize.File, string) {
			t.Helper()
			rec, body := w.do(t, w.officer, "GET", path, nil)
			wantStatus(t, rec, body, http.StatusOK)
			if !strings.HasPrefix(body, "PK") || !strings.Contains(rec.Header().Get("Content-Disposition"), ".xlsx") {
				t.Fatalf("%s is not an xlsx download: %q", path, rec.Header())
			}
			x, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			return x, x.GetSheetList()[0]
		}
		x, name := sheetOf("/questionnaires/" + qid + "/results.xlsx")
		rows, _ := x.GetRows(name)
		if name != "问卷结果" || !slices.Equal(rows[0], []string{"范围", "题目", "题型", "选项", "人数", "户数", "面积（㎡）", "排序得分"}) ||
			!slices.ContainsFunc(rows, func(r []string) bool {
				return slices.Equal(r, []string{"全部楼栋", "4. 优先顺序", "排序", "照明", "2", "2", "140.00", "5"})
			}) || !slices.ContainsFunc(rows, func(r []string) bool { return len(r) > 3 && r[0] == "3幢" && r[3] == "同意" }) {
			t.Errorf("results sheet %q: %v", name, rows)
		}
		x, name = sheetOf("/questionnaires/" + qid + "/responses.xlsx")
		rows, _ = x.GetRows(name)
		if name != "问卷答卷" || len(rows) != 4 || !slices.Contains(rows[0], "房屋") || !slices.Contains(rows[1], "2幢 1单元 101") ||
			!slices.Contains(rows[2], "纸质录入") || !slices.Contains(rows[1], "1. 照明、2. 道路") {
			t.Errorf("responses sheet %q: %v", name, rows)
		}

		// The responses of an anonymous questionnaire carry no identity.
		anon := w.qnCreate(t, true)
		aid := strconv.FormatInt(anon.ID, 10)
		submit(w.resident, "/answer/"+aid, answers(w.parts[0].ID))
		rec, body = w.do(t, w.resident, "GET", "/answer/"+aid, nil)
		wantContains(t, body, "这是匿名问卷")
		x, name = sheetOf("/questionnaires/" + aid + "/responses.xlsx")
		rows, _ = x.GetRows(name)
		if len(rows) != 2 || slices.Contains(rows[0], "房屋") || slices.ContainsFunc(rows[1], func(c string) bool { return strings.Contains(c, "101") }) ||
			!regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(rows[1][1]) {
			t.Errorf("anonymous responses sheet: %v", rows)
		}
	})
}
