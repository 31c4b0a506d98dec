package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOwnersDecisionEndToEnd: a community officer creates a lift decision
// (Art. 278 item 7) for an estate, publishes and opens it; an owner votes on
// a phone-sized screen and checks the receipt; the officer closes the vote
// and publishes the result, which explains every condition.
func TestOwnersDecisionEndToEnd(t *testing.T) {
	// The city's housing bureau lets votes open without a notice period
	// and results become final at once, for this test.
	bureau := browser(t)
	if err := chromedp.Do(bureau, signIn("bureau", "huanxin2026"), chromedp.Navigate(baseURL+"/settings/decision-rules"),
		chromedp.WaitVisible(chromedp.CSS(`#rl-notice`)),
		chromedp.SetValue(chromedp.CSS(`#rl-notice`), "0"),
		chromedp.SetValue(chromedp.CSS(`#rl-objection`), "0"),
		chromedp.Click(chromedp.CSS(`#rl-conflict-paper`)),
		loaded(chromedp.Submit(chromedp.CSS(`#rl-notice`)))); err != nil {
		t.Fatal(err)
	}
	if got := text(bureau, t, "main"); !strings.Contains(got, "以书面票为准") {
		t.Fatalf("rules page after saving: %q", got)
	}

	officer := browser(t)
	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+"/estates/"+firstEstate(t, officer)+"/decisions/new"),
		chromedp.WaitVisible(chromedp.CSS(`#f-title`)),
		chromedp.SendKeys(chromedp.CSS(`#f-title`), "加装电梯表决"),
		chromedp.SetValue(chromedp.CSS(`#f-notice`), "0"),
		chromedp.SendKeys(chromedp.CSS(`#m-title-0`), "1幢加装电梯"),
		chromedp.SetValue(chromedp.CSS(`#m-item-0`), "7"),
		chromedp.Click(chromedp.CSS(`#m-item-0 ~ details summary`)),
		chromedp.SendKeys(chromedp.CSS(`#m-xl-0`), "九层业主无人反对"),
		chromedp.SetValue(chromedp.CSS(`#m-xr-0`), "none_oppose"),
		chromedp.SendKeys(chromedp.CSS(`#m-xf-0`), "9"),
		loaded(chromedp.Submit(chromedp.CSS(`#f-title`)))); err != nil {
		t.Fatal(err)
	}
	decisionPath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/decisions/\d+$`).MatchString(decisionPath) {
		t.Fatalf("after creating: %q %v\n%s", decisionPath, err, text(officer, t, "main"))
	}
	step := func(action string) {
		t.Helper()
		if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`form[action$="/`+action+`"] button`)))); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	// A plan is attached while the decision is a draft.
	plan := filepath.Join(t.TempDir(), "方案.pdf")
	if err := os.WriteFile(plan, []byte("%PDF-1.4\n% lift plan\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(officer, chromedp.SendKeys(chromedp.CSS(`#doc-title`), "加装电梯方案"),
		chromedp.SetUploadFiles(chromedp.CSS(`#doc-file`), []string{plan}),
		loaded(chromedp.Submit(chromedp.CSS(`#doc-title`))), chromedp.WaitVisible(chromedp.CSS(`.docs code.hash`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "main"); !strings.Contains(got, "加装电梯方案") || !strings.Contains(got, "以书面票为准") {
		t.Fatalf("decision page after attaching: %q", got)
	}
	step("publish")
	step("open")

	owner := phone(t)
	if err := chromedp.Do(owner, signIn("resident", "huanxin2026"), chromedp.Navigate(baseURL+"/vote"),
		loaded(chromedp.Click(chromedp.CSS(`a[href="`+strings.Replace(decisionPath, "decisions", "vote", 1)+`"]`))),
		chromedp.WaitVisible(chromedp.CSS(`fieldset`))); err != nil {
		t.Fatal(err)
	}
	accessible(owner, t)
	if err := chromedp.Do(owner,
		chromedp.Click(chromedp.CSS(`input[type=radio][value="1"]`)),
		loaded(chromedp.Submit(chromedp.CSS(`input[type=radio][value="1"]`))),
		chromedp.WaitVisible(chromedp.CSS(`.receipt-code`))); err != nil {
		t.Fatal(err)
	}
	code := strings.TrimSpace(text(owner, t, ".receipt-code"))
	if len(code) != 16 {
		t.Fatalf("receipt code %q", code)
	}
	audit(owner, t)
	if err := chromedp.Do(owner, chromedp.Navigate(baseURL+"/receipt?code="+code), chromedp.WaitVisible(chromedp.CSS(`#rc-h`))); err != nil {
		t.Fatal(err)
	}
	if got := text(owner, t, "main"); !strings.Contains(got, "加装电梯表决") {
		t.Fatalf("receipt page: %q", got)
	}
	accessible(owner, t)

	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+decisionPath)); err != nil {
		t.Fatal(err)
	}
	step("close")
	step("announce")
	result := text(officer, t, "main")
	for _, want := range []string{"≥ 2/3", "≥ 3/4", "1幢加装电梯", "九层业主无人反对"} {
		if !strings.Contains(result, want) {
			t.Fatalf("result lacks %q:\n%s", want, result)
		}
	}
}
