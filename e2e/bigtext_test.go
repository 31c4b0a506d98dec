package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestResidentSwitchesToLargeText: the demo resident, on a phone, opens
// the representatives and meetings page, where text is already at least
// 18 px; the header's large-text link (a plain link, no script) makes the
// body at least 20 px and the page's buttons at least 48 px high, and the
// choice stays on the next page.
func TestResidentSwitchesToLargeText(t *testing.T) {
	ctx := phone(t)
	body := `parseFloat(getComputedStyle(document.body).fontSize)`
	button := `document.querySelector("main .btn").getBoundingClientRect()`
	if err := chromedp.Do(ctx, signIn("resident", "huanxin2026"), loaded(chromedp.Navigate(baseURL+"/meetings")),
		chromedp.WaitVisible(chromedp.CSS(`main .btn`))); err != nil {
		t.Fatal(err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[float64](body))
	if err != nil || size < 18 {
		t.Fatalf("body font on a phone = %v px (%v), want ≥ 18", size, err)
	}
	if err := chromedp.Do(ctx, loaded(chromedp.Click(chromedp.CSS(`header .bigtext`))),
		chromedp.WaitVisible(chromedp.CSS(`body.big main .btn`))); err != nil {
		t.Fatal(err)
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || path != "/meetings" {
		t.Fatalf("after switching: %q (%v), want back on /meetings", path, err)
	}
	size, err = chromedp.Run(ctx, chromedp.Evaluate[float64](body))
	if err != nil || size < 20 {
		t.Fatalf("large body font = %v px (%v), want ≥ 20", size, err)
	}
	for _, dim := range []string{"height", "width"} {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](button+"."+dim))
		if err != nil || v < 48 {
			t.Fatalf("main button %s = %v px (%v), want ≥ 48", dim, v, err)
		}
	}
	// The choice persists: the next page is large too.
	if err := chromedp.Do(ctx, loaded(chromedp.Navigate(baseURL+"/my")), chromedp.WaitVisible(chromedp.CSS(`body.big main h1`))); err != nil {
		t.Fatal(err)
	}
}
