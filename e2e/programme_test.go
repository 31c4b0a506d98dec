package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBureauBuildsProgramme: the city's housing bureau opens the annual
// programme, computes a scenario under a budget of half what all
// candidates cost, sees estates in and out with their reasons and the
// proof of optimality, and downloads the programme as xlsx.
func TestBureauBuildsProgramme(t *testing.T) {
	ctx := browser(t)
	if err := chromedp.Do(ctx, signIn("bureau", "huanxin2026"),
		chromedp.Navigate(baseURL+"/programmes"), chromedp.WaitVisible(chromedp.CSS(`#programme-form`))); err != nil {
		t.Fatal(err)
	}
	n := rows(ctx, t, "#candidate-table tbody tr")
	if n < 2 {
		t.Fatalf("%d candidates", n)
	}
	// Half of the candidates' total investment (the fifth column, 10,000 yuan).
	half, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`Math.round([...document.querySelectorAll("#candidate-table tbody tr td:nth-child(5)")]
		.reduce((s, td) => s + parseFloat(td.textContent.replace(/,/g, "")), 0) * 10000 / 2)`))
	if err != nil || half <= 0 {
		t.Fatalf("half the total: %v %v", half, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#pg-title`), "2026年度老旧小区改造计划"),
		chromedp.SetValue(chromedp.CSS(`#pg-budget`), strconv.FormatFloat(half, 'f', 0, 64)),
		chromedp.SetValue(chromedp.CSS(`#pg-share`), "30"),
		loaded(chromedp.Click(chromedp.CSS(`#programme-compute`))),
		chromedp.WaitVisible(chromedp.CSS(`#programme-summary`))); err != nil {
		t.Fatal(err)
	}
	if g := text(ctx, t, "#programme-gap"); !strings.Contains(g, "已证明最优") {
		t.Errorf("optimality shown as %q", g)
	}
	in, out := rows(ctx, t, "#result-table tbody tr.in"), rows(ctx, t, "#result-table tbody tr.out")
	if in == 0 || out == 0 || in+out != n {
		t.Fatalf("%d in, %d out of %d", in, out, n)
	}
	if r := text(ctx, t, "#result-table tbody tr.out td:last-child"); !strings.Contains(r, "预算不足") && !strings.Contains(r, "边际") &&
		!strings.Contains(r, "基础类") {
		t.Errorf("reason of an estate left out: %q", r)
	}
	// The export is an xlsx download.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#programme-export").href)
		.then(r => r.status + " " + r.headers.get("Content-Type"))`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("export: %q %v", got, err)
	}
}
