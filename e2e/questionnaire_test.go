package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNeedsQuestionnaireEndToEnd: a community officer generates the
// residents' needs questionnaire (问需于民) of an estate from the
// renovation catalogue and opens it; a resident answers it on a phone,
// with a mistake first that is shown next to its question; the officer
// sees the answer in the result charts and tables.
func TestNeedsQuestionnaireEndToEnd(t *testing.T) {
	officer := browser(t)
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`)))); err != nil {
		t.Fatal(err)
	}
	estatePath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	estateID := strings.TrimPrefix(estatePath, "/estates/")
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
	// Large tap targets on the phone: every choice is at least 44 px high.
	small, err := chromedp.Run(resident, chromedp.Evaluate[int](`[...document.querySelectorAll('fieldset label.btn')].filter(l => l.getBoundingClientRect().height < 44).length`))
	if err != nil || small != 0 {
		t.Fatalf("%d choices smaller than 44 px (%v)", small, err)
	}
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
