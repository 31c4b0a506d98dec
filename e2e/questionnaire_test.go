package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestNeedsQuestionnaireEndToEnd: a community officer generates the
// residents' needs questionnaire (问需于民) of an estate from the
// renovation catalogue and opens it; a resident answers it on a phone,
// with a mistake first that is shown next to its question; the officer
// sees the answer in the result charts and tables.
func TestNeedsQuestionnaireEndToEnd(t *testing.T) {
	officer := browser(t)
	estateID := firstEstate(t, officer)
	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+"/questionnaires?estate="+estateID),
		chromedp.WaitVisible(chromedp.CSS(`#qn-needs`)), loaded(chromedp.Click(chromedp.CSS(`#qn-needs`)))); err != nil {
		t.Fatal(err)
	}
	qnPath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/questionnaires/\d+$`).MatchString(qnPath) {
		t.Fatalf("after generating: %q %v\n%s", qnPath, err, text(officer, t, "main"))
	}
	if got := text(officer, t, "main"); !strings.Contains(got, "问需于民") || !strings.Contains(got, "最希望优先实施的项目") {
		t.Fatalf("needs questionnaire: %q", got)
	}
	if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`#qn-open`))), chromedp.WaitVisible(chromedp.CSS(`#qn-results`))); err != nil {
		t.Fatal(err)
	}
	answerPath := strings.Replace(qnPath, "questionnaires", "answer", 1)

	resident := phone(t)
	if err := chromedp.Do(resident, signIn("resident", "huanxin2026"), chromedp.Navigate(baseURL+"/answer"),
		loaded(chromedp.Click(chromedp.CSS(`a[href="`+answerPath+`"]`))), chromedp.WaitVisible(chromedp.CSS(`#qa-submit`))); err != nil {
		t.Fatal(err)
	}
	// Large tap targets on the phone, every choice at least 44 px.
	accessible(resident, t)
	// First the same place given to two items: the problem shows under the
	// ranking question, and nothing is stored.
	if err := chromedp.Do(resident, chromedp.Click(chromedp.CSS(`#q1-0`)),
		chromedp.SetValue(chromedp.CSS(`#q2-o0`), "1"), chromedp.SetValue(chromedp.CSS(`#q2-o1`), "1")); err != nil {
		t.Fatal(err)
	}
	// The first choice of every single-choice question (co-funding).
	if _, err := chromedp.Run(resident, chromedp.Evaluate[bool](
		`document.querySelectorAll('input[type=radio][id$="-0"]:not([id^="home-"])').forEach(r => r.click()), true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(resident, chromedp.SendKeys(chromedp.CSS(`textarea`), "希望加装电梯"),
		loaded(chromedp.Click(chromedp.CSS(`#qa-submit`))), chromedp.WaitVisible(chromedp.CSS(`#q2-err`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "#q2-err"); !strings.Contains(got, "第1名只能给一项") {
		t.Fatalf("ranking problem: %q", got)
	}
	if err := chromedp.Do(resident, chromedp.SetValue(chromedp.CSS(`#q2-o1`), "2"),
		loaded(chromedp.Click(chromedp.CSS(`#qa-submit`))), chromedp.WaitVisible(chromedp.CSS(`#done-h`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "main"); !strings.Contains(got, "谢谢") || !strings.Contains(got, "希望加装电梯") || !strings.Contains(got, "1. ") {
		t.Fatalf("thank-you page: %q", got)
	}
	// A second visit says the household has answered.
	if err := chromedp.Do(resident, chromedp.Navigate(baseURL+answerPath), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "main"); !strings.Contains(got, "已经填写过") {
		t.Fatalf("second visit: %q", got)
	}

	if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`#qn-results`))), chromedp.WaitVisible(chromedp.CSS(`#qr-summary`))); err != nil {
		t.Fatal(err)
	}
	if n := rows(officer, t, `svg.chart[role="img"]`); n < 3 {
		t.Fatalf("%d charts on the results page", n)
	}
	if got := text(officer, t, "#qr-summary"); !strings.Contains(got, "已有 1 户参与") || !strings.Contains(got, "线上 1 份") {
		t.Fatalf("results summary: %q", got)
	}
	if got := text(officer, t, "main"); !strings.Contains(got, "排序得分") || !strings.Contains(got, "希望加装电梯") {
		t.Fatalf("results: %q", got)
	}
}

// TestQuestionnaireBuilderEndToEnd: a community officer builds a general
// questionnaire with one question of every kind (single and multiple
// choice, rating, ranking, free text, matrix) and opens it; a resident
// answers it on a phone, on a page that passes the accessibility checks;
// the officer sees every answer in the results.
func TestQuestionnaireBuilderEndToEnd(t *testing.T) {
	officer := browser(t)
	estateID := firstEstate(t, officer)
	// Each question: its kind, title and what else the builder asks for it.
	type question struct{ kind, title, options, rows, maxPicks, scale string }
	questions := []question{
		{kind: "single", title: "是否同意加装电梯", options: "同意\n不同意"},
		{kind: "multiple", title: "最需要改造的部位", options: "屋面防水\n外墙保温\n楼道照明"},
		{kind: "rating", title: "对物业服务的满意度", scale: "5"},
		{kind: "ranking", title: "停车方案排序", options: "地面划线\n立体车库\n错时共享", maxPicks: "2"},
		{kind: "text", title: "其他意见"},
		{kind: "matrix", title: "各项设施现状", options: "好\n一般\n差", rows: "路灯\n绿化"},
	}
	fill := func(q question) chromedp.Action[chromedp.Void] {
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.CSS(`#q-kind`), q.kind),
			chromedp.SendKeys(chromedp.CSS(`#q-title`), q.title),
		}
		for sel, v := range map[string]string{`#q-options`: q.options, `#q-rows`: q.rows, `#q-max`: q.maxPicks, `#q-scale`: q.scale} {
			if v != "" {
				steps = append(steps, chromedp.SetValue(chromedp.CSS(sel), v))
			}
		}
		return chromedp.Steps(steps...)
	}
	title := "居民议事问卷 " + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+"/questionnaires?estate="+estateID),
		loaded(chromedp.Click(chromedp.CSS(`#qn-new`))), chromedp.WaitVisible(chromedp.CSS(`#s-title`)),
		chromedp.SendKeys(chromedp.CSS(`#s-title`), title), fill(questions[0]),
		loaded(chromedp.Submit(chromedp.CSS(`#s-title`))), chromedp.WaitVisible(chromedp.CSS(`#qn-add`))); err != nil {
		t.Fatal(err)
	}
	for _, q := range questions[1:] {
		if err := chromedp.Do(officer, fill(q), loaded(chromedp.Click(chromedp.CSS(`#qn-add`))), chromedp.WaitVisible(chromedp.CSS(`#qn-add`))); err != nil {
			t.Fatalf("adding %s: %v", q.kind, err)
		}
	}
	if n := rows(officer, t, `#questions-h + ol > li`); n != len(questions) {
		t.Fatalf("the builder shows %d questions, want %d:\n%s", n, len(questions), text(officer, t, "main"))
	}
	if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`#qn-open`))), chromedp.WaitVisible(chromedp.CSS(`#qn-results`))); err != nil {
		t.Fatal(err)
	}
	qnPath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}

	resident := phone(t)
	if err := chromedp.Do(resident, signIn("resident", "huanxin2026"), chromedp.Navigate(baseURL+"/answer"),
		loaded(chromedp.Click(chromedp.CSS(`a[href="`+strings.Replace(qnPath, "questionnaires", "answer", 1)+`"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#qa-submit`))); err != nil {
		t.Fatal(err)
	}
	accessible(resident, t)
	// The questions in order: ids q1…q6, choices numbered from 0, marks from 1.
	if err := chromedp.Do(resident,
		chromedp.Click(chromedp.CSS(`label[for="q1-0"]`)),
		chromedp.Click(chromedp.CSS(`label[for="q2-0"]`)), chromedp.Click(chromedp.CSS(`label[for="q2-2"]`)),
		chromedp.Click(chromedp.CSS(`label[for="q3-4"]`)),
		chromedp.SetValue(chromedp.CSS(`#q4-o1`), "1"), chromedp.SetValue(chromedp.CSS(`#q4-o2`), "2"),
		chromedp.SendKeys(chromedp.CSS(`#q5-text`), "希望晚上施工小声些"),
		chromedp.Click(chromedp.CSS(`label[for="q6-r0-2"]`)), chromedp.Click(chromedp.CSS(`label[for="q6-r1-0"]`)),
		loaded(chromedp.Click(chromedp.CSS(`#qa-submit`))), chromedp.WaitVisible(chromedp.CSS(`#done-h`))); err != nil {
		t.Fatal(err)
	}
	audit(resident, t)
	recorded := text(resident, t, "#recorded")
	for _, want := range []string{"同意", "屋面防水", "楼道照明", "4", "1. 立体车库", "2. 错时共享", "希望晚上施工小声些", "路灯：差", "绿化：好"} {
		if !strings.Contains(recorded, want) {
			t.Errorf("the thank-you page lacks %q:\n%s", want, recorded)
		}
	}

	if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`#qn-results`))), chromedp.WaitVisible(chromedp.CSS(`#qr-summary`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "#qr-summary"); !strings.Contains(got, "已有 1 户参与") {
		t.Fatalf("results summary: %q", got)
	}
	results := text(officer, t, "main")
	for _, want := range []string{"单选", "多选", "评分", "排序", "文字", "矩阵", "希望晚上施工小声些"} {
		if !strings.Contains(results, want) {
			t.Errorf("results lack %q:\n%s", want, results)
		}
	}
}

// firstEstate opens the first estate of the officer's list and returns its id.
func firstEstate(t *testing.T, officer context.Context) string {
	t.Helper()
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`)))); err != nil {
		t.Fatal(err)
	}
	path, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/estates/\d+$`).MatchString(path) {
		t.Fatalf("the officer's first estate: %q %v", path, err)
	}
	return strings.TrimPrefix(path, "/estates/")
}
