package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlanEndToEnd: a community officer opens an estate's renovation
// plans, creates a plan, adds two items in two phases and submits it; the
// community, the sub-district and the city bureau approve it in turn, and
// the plan offers the owners' vote.
func TestPlanEndToEnd(t *testing.T) {
	officer := browser(t)
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`))),
		loaded(chromedp.Click(chromedp.CSS(`main .page-head a[href$="/plans"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#np-title`)),
		chromedp.SendKeys(chromedp.CSS(`#np-title`), "综合整治方案"),
		loaded(chromedp.Submit(chromedp.CSS(`#np-title`)))); err != nil {
		t.Fatal(err)
	}
	planPath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/plans/\d+$`).MatchString(planPath) {
		t.Fatalf("after creating: %q %v\n%s", planPath, err, text(officer, t, "main"))
	}
	addLine := func(item, quantity, phase string) {
		t.Helper()
		if err := chromedp.Do(officer, chromedp.WaitVisible(chromedp.CSS(`#pl-item`)),
			chromedp.SetValue(chromedp.CSS(`#pl-item`), item),
			chromedp.SendKeys(chromedp.CSS(`#pl-quantity`), quantity),
			chromedp.SetValue(chromedp.CSS(`#pl-phase`), phase),
			loaded(chromedp.Submit(chromedp.CSS(`#pl-quantity`)))); err != nil {
			t.Fatalf("add %s: %v", item, err)
		}
	}
	addLine("B15", "2500", "1")
	addLine("I02", "800.5", "2")
	if got := rows(officer, t, `#plan-lines tr[id^="line-"]`); got != 2 {
		t.Fatalf("%d lines after adding two:\n%s", got, text(officer, t, "main"))
	}
	got := text(officer, t, "main")
	for _, want := range []string{"外墙修缮", "2500.00 m²", "绿化提升", "800.50 m²", "分期实施计划", "第2期"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan page lacks %q:\n%s", want, got)
		}
	}
	if n := rows(officer, t, `svg g.bar title`); n != 2 {
		t.Errorf("timeline has %d bars, want 2", n)
	}
	step := func(who string, action string) {
		t.Helper()
		ctx := officer
		if who != "community" {
			ctx = browser(t)
			if err := chromedp.Do(ctx, signIn(who, "huanxin2026"), chromedp.Navigate(baseURL+planPath),
				chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
				t.Fatal(err)
			}
		}
		if err := chromedp.Do(ctx, loaded(chromedp.Click(chromedp.CSS(`form[action$="/`+action+`"] button`)))); err != nil {
			t.Fatalf("%s %s: %v\n%s", who, action, err, text(ctx, t, "main"))
		}
	}
	step("community", "submit")
	if got := text(officer, t, "main"); !strings.Contains(got, "方案已提交社区审核") || !strings.Contains(got, "待社区审核") {
		t.Fatalf("after submitting: %s", got)
	}
	step("community", "approve")
	step("street", "approve")
	step("bureau", "approve")
	if err := chromedp.Do(officer, loaded(chromedp.Navigate(baseURL+planPath))); err != nil {
		t.Fatal(err)
	}
	got = text(officer, t, "main")
	for _, want := range []string{"已批复", "街道审核通过", "区审核批复", "发起业主表决"} {
		if !strings.Contains(got, want) {
			t.Errorf("approved plan lacks %q:\n%s", want, got)
		}
	}
}
