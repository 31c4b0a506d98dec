package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOfficerAdjustsWeights: the city's housing bureau makes a weight set
// from register indicators (building age and residents), ranks the city's
// estates, then gives the residents far more weight and sees the ranking
// change; an estate's details show its contributions and the ±10%
// sensitivity table.
func TestOfficerAdjustsWeights(t *testing.T) {
	b := browser(t)
	if err := chromedp.Do(b, signIn("bureau", "huanxin2026"),
		chromedp.Navigate(baseURL+"/priority/weights?method=manual&keys=building_age&keys=population"),
		chromedp.WaitVisible(chromedp.CSS(`#ws-name`)),
		chromedp.SendKeys(chromedp.CSS(`#ws-name`), "房龄为主"),
		chromedp.SetValue(chromedp.CSS(`#w-building_age`), "90"),
		chromedp.SetValue(chromedp.CSS(`#w-population`), "10"),
		loaded(chromedp.Click(chromedp.CSS(`#save`))),
		chromedp.WaitVisible(chromedp.CSS(`#ranking`))); err != nil {
		t.Fatal(err)
	}
	path, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil || !regexp.MustCompile(`^/priority\?flash=priority_saved&ws=\d+$`).MatchString(path) {
		t.Fatalf("after saving: %q %v", path, err)
	}
	top := func() string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#ranking tbody tr')).slice(0, 5)
			.map(tr => tr.querySelector('.estate').textContent + ' ' + tr.querySelector('.score').textContent).join('\n')`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := top()
	if n := rows(b, t, `#ranking tbody tr`); n < 10 || rows(b, t, `#ranking svg.bar rect`) < n {
		t.Fatalf("ranking has %d rows:\n%s", n, text(b, t, "main"))
	}

	// Residents now weigh a hundred times more than building age.
	if err := chromedp.Do(b, loaded(chromedp.Click(chromedp.CSS(`a[href^="/priority/weights?id="]`))),
		chromedp.WaitVisible(chromedp.CSS(`#w-population`)),
		chromedp.SetValue(chromedp.CSS(`#w-building_age`), "1"),
		chromedp.SetValue(chromedp.CSS(`#w-population`), "100"),
		loaded(chromedp.Click(chromedp.CSS(`#save`))),
		chromedp.WaitVisible(chromedp.CSS(`#ranking`))); err != nil {
		t.Fatal(err)
	}
	after := top()
	if after == before {
		t.Fatalf("the ranking did not change:\n%s", after)
	}
	if got := text(b, t, "main"); !strings.Contains(got, "权重方案已保存") {
		t.Errorf("no confirmation: %q", got)
	}

	// The first estate's details.
	if err := chromedp.Do(b, loaded(chromedp.Click(chromedp.CSS(`#ranking tbody tr:first-child a`))),
		chromedp.WaitVisible(chromedp.CSS(`#sensitivity`))); err != nil {
		t.Fatal(err)
	}
	if got := text(b, t, "main"); !strings.Contains(got, "第 1 名") || !strings.Contains(got, "居住人口") || !strings.Contains(got, "权重 +10% 时名次") {
		t.Errorf("details: %q", got)
	}
}
