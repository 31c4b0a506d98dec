package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFundingEndToEnd: a community officer makes a plan for the demo
// resident's estate with a lift for building 1, builds its funding plan
// and sees the gap close, and splits the owners' money by floor
// coefficients; the owner, on a phone, sees their share, their statement
// and the estate's disclosure page.
func TestFundingEndToEnd(t *testing.T) {
	officer := browser(t)
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates?q=丝绸厂宿舍"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`))),
		loaded(chromedp.Click(chromedp.CSS(`main .page-head a[href$="/plans"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#np-title`)),
		chromedp.SendKeys(chromedp.CSS(`#np-title`), "加装电梯方案"),
		loaded(chromedp.Submit(chromedp.CSS(`#np-title`))),
		chromedp.WaitVisible(chromedp.CSS(`#pl-item`)),
		chromedp.SetValue(chromedp.CSS(`#pl-item`), "I15"),
		chromedp.SendKeys(chromedp.CSS(`#pl-quantity`), "1"),
		chromedp.Click(chromedp.CSS(`input[name="zone"]`)), // building 1
		loaded(chromedp.Submit(chromedp.CSS(`#pl-quantity`)))); err != nil {
		t.Fatal(err)
	}
	planPath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/plans/\d+$`).MatchString(planPath) {
		t.Fatalf("after the plan: %q %v\n%s", planPath, err, text(officer, t, "main"))
	}

	// The funding plan: the whole cost is the gap until money is found.
	if err := chromedp.Do(officer, loaded(chromedp.Navigate(baseURL+planPath+"/funding")), chromedp.WaitVisible(chromedp.CSS(`#funding-gap`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "#funding-gap"); !strings.Contains(got, "缺口 700,000.00 元") {
		t.Fatalf("gap before: %q", got)
	}
	add := func(source, amount string) {
		t.Helper()
		if err := chromedp.Do(officer, chromedp.SetValue(chromedp.CSS(`#fd-item`), "I15"),
			chromedp.SetValue(chromedp.CSS(`#fd-source`), source),
			chromedp.SendKeys(chromedp.CSS(`#fd-amount`), amount),
			loaded(chromedp.Submit(chromedp.CSS(`#fd-amount`))), chromedp.WaitVisible(chromedp.CSS(`#funding-gap`))); err != nil {
			t.Fatalf("add %s: %v", source, err)
		}
	}
	add("owners", "210000.00")
	if got := text(officer, t, "#funding-gap"); !strings.Contains(got, "缺口 490,000.00 元") {
		t.Fatalf("gap after the owners: %q", got)
	}
	add("city_budget", "490000")
	if got := text(officer, t, "#funding-gap"); !strings.Contains(got, "资金已足额落实") {
		t.Fatalf("gap after the city: %q\n%s", got, text(officer, t, "main"))
	}

	// The owners' shares of the lift by floor coefficients, ground floor 0.
	if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`main .page-head a[href$="/shares"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#sh-item`)),
		chromedp.SetValue(chromedp.CSS(`#sh-item`), "I15"),
		chromedp.Click(chromedp.CSS(`#sh-basis-floor`))); err != nil {
		t.Fatal(err)
	}
	// One coefficient per floor: 0, 0.5, 0.75, 1, 1.25 …
	floors := rows(officer, t, `input[name^="coef_"]`)
	for f := 1; f <= floors; f++ {
		c := "0"
		if f > 1 {
			c = strconv.FormatFloat(0.5+0.25*float64(f-2), 'f', -1, 64)
		}
		if err := chromedp.Do(officer, chromedp.SendKeys(chromedp.CSS(`#sh-coef-`+strconv.Itoa(f)), c)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(officer, loaded(chromedp.Submit(chromedp.CSS(`#sh-item`))), chromedp.WaitVisible(chromedp.CSS(`#share-rates`))); err != nil {
		t.Fatalf("%v\n%s", err, text(officer, t, "main"))
	}
	if got := text(officer, t, "#rate-households"); !strings.HasPrefix(got, "0 / ") {
		t.Fatalf("rate: %q\n%s", got, text(officer, t, "main"))
	}
	if got := text(officer, t, "main"); !strings.Contains(got, "按楼层系数") || !strings.Contains(got, "210,000.00") {
		t.Fatalf("run page: %s", got)
	}

	// The owner on a phone: the share, the statement, the disclosure.
	owner := phone(t)
	if err := chromedp.Do(owner, signIn("resident", "huanxin2026"), loaded(chromedp.Navigate(baseURL+"/my/shares")),
		chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatal(err)
	}
	mine := text(owner, t, "main")
	if !strings.Contains(mine, "加装电梯方案") || !strings.Contains(mine, "1幢1单元602室") || !strings.Contains(mine, "尚欠") {
		t.Fatalf("my shares: %s", mine)
	}
	accessible(owner, t)
	if err := chromedp.Do(owner, loaded(chromedp.Click(chromedp.CSS(`.share-card a[href*="/parts/"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#statement`))); err != nil {
		t.Fatal(err)
	}
	st := text(owner, t, "#statement")
	if !strings.Contains(st, "居民出资分摊通知单") || !strings.Contains(st, "第6层") || !regexp.MustCompile(`\d+/\d+ × 210,000\.00 = [\d,]+\.\d\d 元`).MatchString(st) {
		t.Fatalf("statement: %s", st)
	}
	accessible(owner, t)
	if err := chromedp.Do(owner, loaded(chromedp.Click(chromedp.CSS(`main a[href$="/disclosure"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#disclosure-sources`))); err != nil {
		t.Fatal(err)
	}
	dc := text(owner, t, "main")
	for _, want := range []string{"资金公开", "居民出资", "市级财政资金", "加装电梯", "我家的分摊", "资金已足额落实"} {
		if !strings.Contains(dc, want) {
			t.Errorf("disclosure lacks %q:\n%s", want, dc)
		}
	}
	accessible(owner, t)
	// Phone first: nothing wider than the screen but the scrolling tables.
	wide, err := chromedp.Run(owner, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the disclosure page scrolls sideways on a phone (%v)", err)
	}
}
